#include "storage/HolderSessions.h"

#include "storage/SqlErrors.h"
#include "storage/SqlStatement.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace jc {

QString HolderSessions::mysqlLockName(const QString &keyExpression)
{
    return QStringLiteral("CONCAT('jc.presence.', LEFT(SHA1(DATABASE()), 12), '.', %1)")
        .arg(keyExpression);
}

Expected<HolderSessions, QString> HolderSessions::readMySql(QSqlDatabase &db)
{
    HolderSessions sessions;
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SHOW GLOBAL STATUS LIKE 'Uptime'")))
        return Unexpected(QStringLiteral("Could not read the server's uptime: %1")
                              .arg(SqlErrors::text(query.lastError())));
    const qint64 uptimeMSecs = query.next() ? query.value(1).toLongLong() * 1000 : 0;
    if (!query.exec(QStringLiteral("SELECT DISTINCT session_lock, IS_USED_LOCK(%1) FROM jc_runs "
                                   "WHERE status = 'running' AND session_lock IS NOT NULL")
                        .arg(mysqlLockName(QStringLiteral("session_lock")))))
        return Unexpected(QStringLiteral("Could not read which instances are connected: %1")
                              .arg(SqlErrors::text(query.lastError())));
    sessions.m_examined.emplace();
    while (query.next()) {
        const qint64 key = query.value(0).toLongLong();
        sessions.m_examined->insert(key);
        if (!query.value(1).isNull())
            sessions.m_held.insert(key);
    }
    sessions.m_conclusive = uptimeMSecs >= RestartGraceMSecs;
    return sessions;
}

Expected<HolderSessions, QString> HolderSessions::read(QSqlDatabase &db, SqlDialect dialect)
{
    HolderSessions sessions;
    if (dialect == SqlDialect::MySql)
        return readMySql(db);
    if (dialect != SqlDialect::Postgres)
        return sessions;
    // One row per held lock of the space, and one more (key NULL) that carries the server's
    // uptime, so that a server without any holder still answers.
    SqlStatement query(
        db, QStringLiteral("SELECT NULL::bigint, (EXTRACT(EPOCH FROM (clock_timestamp() - "
                           "pg_postmaster_start_time())) * 1000)::bigint "
                           "UNION ALL SELECT objid::bigint, NULL FROM pg_locks WHERE locktype = "
                           "'advisory' AND granted AND objsubid = 2 AND classid = :space::oid "
                           "AND database = (SELECT oid FROM pg_database WHERE datname = "
                           "current_database())"));
    if (const auto failed = query.exec({{QStringLiteral(":space"), qint64{LockSpace}}}))
        return Unexpected(
            QStringLiteral("Could not read which instances are connected: %1").arg(failed->text()));
    while (query.next()) {
        if (query.value(0).isNull())
            sessions.m_conclusive = query.value(1).toLongLong() >= RestartGraceMSecs;
        else
            sessions.m_held.insert(query.value(0).toLongLong());
    }
    return sessions;
}

std::optional<bool> HolderSessions::ended(qint64 key) const
{
    if (key <= 0 || !m_conclusive || (m_examined && !m_examined->contains(key)))
        return std::nullopt;
    return !m_held.contains(key);
}

} // namespace jc
