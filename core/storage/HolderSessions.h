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
class HolderSessions
{
public:
    // The first key of the two-int advisory locks that mark a holder's session ("JC" plus a
    // version), so that the scheduler's locks never meet an application's.
    static constexpr int LockSpace = 0x4A430001;

    // How long the server must have been up before a missing lock means a dead session.
    static constexpr qint64 RestartGraceMSecs = 20'000;

    // Reads the held holder locks in one statement. SQLite: an empty, inconclusive snapshot.
    static Expected<HolderSessions, QString> read(QSqlDatabase &db, SqlDialect dialect);

    // Whether the session that took lock `key` has ended: true only when the snapshot is
    // conclusive and no session holds it. nullopt: unknown (no key, SQLite, fresh server).
    std::optional<bool> ended(qint64 key) const;

    bool isConclusive() const { return m_conclusive; }

private:
    bool m_conclusive = false;
    QSet<qint64> m_held;
};

} // namespace jc
