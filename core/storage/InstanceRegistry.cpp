#include "storage/InstanceRegistry.h"

#include "storage/Upsert.h"

#include "storage/SqlErrors.h"

#include <QSqlError>
#include <QSqlQuery>

namespace jc {

InstanceRegistry::InstanceRegistry(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

Expected<void, QString> InstanceRegistry::announce(const InstanceInfo &instance, qint64 nowMSecs)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    QSqlQuery query(db.value());
    query.prepare(QStringLiteral("INSERT INTO jc_instances (instance_id, host, pid, started_at_ms, "
                                 "heartbeat_at_ms, mode) VALUES (?, ?, ?, ?, ?, ?) ") +
                  upsertTail(m_connections->dialect(), QStringLiteral("instance_id"),
                             {QStringLiteral("heartbeat_at_ms"), QStringLiteral("mode")}));
    query.addBindValue(instance.id);
    query.addBindValue(instance.host);
    query.addBindValue(instance.pid);
    query.addBindValue(instance.startedAt.isValid() ? instance.startedAt.toMSecsSinceEpoch()
                                                    : nowMSecs);
    query.addBindValue(nowMSecs);
    query.addBindValue(instance.mode);
    if (!query.exec())
        return Unexpected(QStringLiteral("Could not record this instance (%1): %2")
                              .arg(instance.id, SqlErrors::text(query.lastError())));
    return {};
}

Expected<QList<InstanceInfo>, QString> InstanceRegistry::seenSince(qint64 sinceMSecs) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    QSqlQuery query(db.value());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT instance_id, host, pid, mode, started_at_ms, "
                                 "heartbeat_at_ms FROM jc_instances WHERE heartbeat_at_ms >= ? "
                                 "ORDER BY heartbeat_at_ms DESC, instance_id"));
    query.addBindValue(sinceMSecs);
    if (!query.exec())
        return Unexpected(SqlErrors::text(query.lastError()));
    QList<InstanceInfo> instances;
    while (query.next()) {
        InstanceInfo info;
        info.id = query.value(0).toString();
        info.host = query.value(1).toString();
        info.pid = query.value(2).toLongLong();
        info.mode = query.value(3).toString();
        info.startedAt = QDateTime::fromMSecsSinceEpoch(query.value(4).toLongLong(), Qt::UTC);
        info.heartbeatAt = QDateTime::fromMSecsSinceEpoch(query.value(5).toLongLong(), Qt::UTC);
        instances.append(info);
    }
    return instances;
}

Expected<void, QString> InstanceRegistry::withdraw(const QString &id)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    QSqlQuery query(db.value());
    query.prepare(QStringLiteral("DELETE FROM jc_instances WHERE instance_id = ?"));
    query.addBindValue(id);
    if (!query.exec())
        return Unexpected(SqlErrors::text(query.lastError()));
    return {};
}

} // namespace jc
