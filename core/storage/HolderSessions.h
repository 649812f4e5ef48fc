#pragma once

#include "common/Expected.h"
#include "storage/SqlDialect.h"

#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace jc {

// What the database itself knows about the processes that hold running runs: which of their
// database sessions are still connected. A process that runs jobs on PostgreSQL holds one
// session-level advisory lock for its whole life (InstancePresence) and writes that lock's
// key into each run it claims (jc_runs.session_lock). The server releases the lock the moment
// the session ends, so a killed instance on any host is known dead as soon as its connection
// drops, without waiting for its lease.
//
// The evidence is only taken as conclusive once the server has been up for a while: right
// after a server restart every session is new, and live instances need a moment to reconnect
// and take their locks again. Until then (and on SQLite, where there are no sessions to ask)
// the lease decides, as before.
//
// Locks live in pg_locks, which every role may read (unlike other roles' pg_stat_activity
// rows), filtered to this database and to the scheduler's own lock space.
//
// MySQL/MariaDB: the lock is a named user lock (GET_LOCK), also released when the session
// ends. Its name (mysqlLockName) carries the database, as user locks are server-wide. No table
// that every user may read lists user locks, so the read asks IS_USED_LOCK of each key that a
// running run records; the server's Uptime gives the grace as above.
class HolderSessions
{
public:
    // The first key of the two-int advisory locks that mark a holder's session ("JC" plus a
    // version), so that the scheduler's locks never meet an application's.
    static constexpr int LockSpace = 0x4A430001;

    // How long the server must have been up before a missing lock means a dead session.
    static constexpr qint64 RestartGraceMSecs = 20'000;

    // MySQL: the SQL expression of the user lock's name for the key `keyExpression` (a
    // placeholder or a column): "jc.presence.", 12 hex digits of the database name's SHA-1 and
    // the key, within MySQL's 64 characters for any database name.
    static QString mysqlLockName(const QString &keyExpression);

    // Reads the held holder locks in one statement (MySQL: two). SQLite: an empty,
    // inconclusive snapshot.
    static Expected<HolderSessions, QString> read(QSqlDatabase &db, SqlDialect dialect);

    // Whether the session that took lock `key` has ended: true only when the snapshot is
    // conclusive and no session holds it. nullopt: unknown (no key, SQLite, fresh server).
    // MySQL: only the keys of runs that were running when it was read are known.
    [[nodiscard]] std::optional<bool> ended(qint64 key) const;

    [[nodiscard]] bool isConclusive() const { return m_conclusive; }

private:
    static Expected<HolderSessions, QString> readMySql(QSqlDatabase &db);

    bool m_conclusive = false;
    QSet<qint64> m_held;
    // MySQL: the keys asked about (a run claimed after the read is unknown, not ended);
    // PostgreSQL: nullopt, every held lock was read.
    std::optional<QSet<qint64>> m_examined;
};

} // namespace jc
