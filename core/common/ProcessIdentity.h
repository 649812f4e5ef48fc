#pragma once

#include <QString>

namespace jc {

// Who holds a running run, precisely enough for any process on the same host to tell at once
// whether that process still lives: host, pid, the kernel's boot id and the process's start
// time (in clock ticks since boot, /proc/<pid>/stat field 22). A pid reused by another process
// has another start time, and a host rebooted since has another boot id, so neither can make
// a dead holder look alive. Read from /proc, Linux only; elsewhere nothing is known and the
// lease decides alone.
//
// Why not a lock file held with flock()? It would tell the same on one host, but needs a
// folder beside the database that every instance can write, and a SQLite path on another
// host's share would make it lie; /proc needs nothing and is exact.
class ProcessIdentity
{
public:
    // This process as "host/pid/bootid/starttime", read once; empty where /proc is unreadable.
    static QString currentHolder();
    // The same for another live process of this host (tests give it to a child they kill).
    static QString holderOf(qint64 pid);

    enum class Liveness {
        Alive,   // the holder process is running, on this host
        Gone,    // it is not: killed, crashed or exited, or the host was restarted since
        Unknown, // another host, an unreadable holder, or no /proc here: the lease decides
    };
    // Whether the process a holder text (currentHolder() of some process) names still runs.
    // Costs one read of /proc/<pid>/stat.
    static Liveness liveness(const QString &holder);

    // "pid 4242 on host-a" for messages; the holder text itself when it cannot be read.
    static QString describe(const QString &holder);
};

} // namespace jc
