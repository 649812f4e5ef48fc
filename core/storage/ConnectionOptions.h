#pragma once

#include <QString>

#include <chrono>

namespace jc {

// How the connection factory opens and keeps connections. The defaults suit the console and
// the scheduler; tests shorten them.
struct ConnectionOptions
{
    // SQLite: how long a statement waits for another connection's write lock before it
    // fails with "database is locked" (QSQLITE_BUSY_TIMEOUT).
    std::chrono::milliseconds sqliteBusyTimeout{5000};

    // PostgreSQL and MySQL: the client's connect timeout, unless the URL gives one. Without it
    // an unreachable host can hold a thread for minutes.
    std::chrono::seconds postgresConnectTimeout{10};

    // PostgreSQL and MySQL: a connection not handed out for this long is probed with SELECT 1
    // before
    // it is handed out again, and reopened if the server has gone away meanwhile (restart,
    // failover, idle timeout). Zero probes on every hand-out.
    std::chrono::milliseconds postgresIdleCheck{10000};

    // MySQL: how long a statement waits for a row lock before it fails with a lock wait
    // timeout (innodb_lock_wait_timeout, whole seconds); zero keeps the server's (50 s by
    // default). A transient error: the top-up retries its batch.
    std::chrono::seconds mysqlLockWaitTimeout{0};

    // SQLite: whether a file that does not exist is created (with its folder, for the default
    // location). Only an explicit act creates a database (jobctl migrate and seed, the demo,
    // the console's "Create a new database here"): AppDatabase turns this off for the rest,
    // and a missing file is then an error naming the path and how to create one.
    bool createMissingSqliteFile = true;

    // Only read: SQLite opens the file with QSQLITE_OPEN_READONLY and leaves its journal mode
    // as it is; PostgreSQL sessions start with default_transaction_read_only on. For readers
    // (jobctl list and history, a console that may not write): they work on a database this
    // user may only read, and cannot change one they could write by mistake.
    bool readOnly = false;

    // SQLite, with readOnly: open the file as immutable (URI parameter immutable=1): SQLite
    // then takes no locks and ignores the WAL. Only for a one-time read of a WAL file that
    // nobody has open (no -shm, no -wal with data) in a folder where this user may not create
    // the shared-memory file SQLite otherwise needs (AppDatabase, Access::Read).
    bool sqliteImmutable = false;

    // The Qt SQL driver to load; empty means the dialect's own (QSQLITE, QPSQL). A seam for
    // tests (a driver that does not exist) and for builds with a differently named driver.
    QString driverName;
};

} // namespace jc
