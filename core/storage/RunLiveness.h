#pragma once

#include "storage/RunHistory.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace jc {

// The one rule for whether a run recorded as running still has someone running it. Used by
// the sweep that marks dead runs interrupted, by the overlap check of a new run, and by every
// reader (jobctl list and history, the console), so all of them agree without a sweep.
//
//   - Its holder process (ProcessIdentity) is gone, as seen from the same host: dead at once,
//     whatever its heartbeat says. A killed `jobctl run` no longer holds its job for a lease.
//   - Its holder is alive on this host: alive, even when its heartbeat is late. A long write
//     transaction may hold back a heartbeat on SQLite, and must not cost the run.
//   - Its holder is on another host, and the database says the holder's session has ended
//     (PostgreSQL, HolderSessions): dead at once. The server drops a killed instance's
//     connection, and with it the lock that the instance holds for its whole life.
//   - Otherwise (a hung but connected holder, a partition, a row of an older build): alive
//     while its last heartbeat is within its lease, dead once it is older. On PostgreSQL every
//     instance's clock is the server's (DatabaseClock), so two hosts' clocks cannot disagree.
class RunLiveness
{
public:
    enum class State { Alive, HolderGone, SessionEnded, LeaseExpired };

    // `heartbeatMSecs`: the row's last heartbeat (or its start); `leaseMSecs`: the row's own
    // lease, or the caller's when the row has none (<= 0).
    // `sessionEnded`: HolderSessions::ended() of the row's session lock (false when unknown).
    static State of(const QString &holder, bool sessionEnded, qint64 heartbeatMSecs,
                    qint64 leaseMSecs, qint64 nowMSecs);
    // The same for a stored run; Alive for a run that is not running.
    static State of(const StoredRun &run, qint64 nowMSecs, qint64 defaultLeaseMSecs = 60000);

    // For a running run that is not alive: since when it has not answered (its last
    // heartbeat, else its start). nullopt while it is alive.
    static std::optional<QDateTime> notRespondingSince(const StoredRun &run, qint64 nowMSecs);

    // The error an interrupted run gets: why it was found dead.
    static QString reason(State state, const QString &holder, qint64 leaseMSecs);
};

} // namespace jc
