#include "storage/InstanceRegistry.h"

#include "storage/SqlStatement.h"
#include "storage/Upsert.h"

namespace jc {

InstanceRegistry::InstanceRegistry(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

Expected<void, QString> InstanceRegistry::announce(const InstanceInfo &instance, qint64 nowMSecs)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement upsert(
        db.value(), QStringLiteral("INSERT INTO jc_instances (instance_id, host, pid, "
                                   "started_at_ms, heartbeat_at_ms, mode) VALUES (:id, :host, "
                                   ":pid, :started, :now, :mode) ") +
                        upsertTail(m_connections->dialect(), QStringLiteral("instance_id"),
                                   {QStringLiteral("heartbeat_at_ms"), QStringLiteral("mode")}));
    const qint64 started =
        instance.startedAt.isValid() ? instance.startedAt.toMSecsSinceEpoch() : nowMSecs;
    if (const auto failed = upsert.exec({{QStringLiteral(":id"), instance.id},
                                         {QStringLiteral(":host"), instance.host},
                                         {QStringLiteral(":pid"), instance.pid},
                                         {QStringLiteral(":started"), started},
                                         {QStringLiteral(":now"), nowMSecs},
                                         {QStringLiteral(":mode"), instance.mode}}))
        return Unexpected(QStringLiteral("Could not record this instance (%1): %2")
                              .arg(instance.id, failed->text()));
    return {};
}

Expected<QList<InstanceInfo>, QString> InstanceRegistry::seenSince(qint64 sinceMSecs) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement query(db.value(),
                       QStringLiteral("SELECT instance_id, host, pid, mode, started_at_ms, "
                                      "heartbeat_at_ms FROM jc_instances WHERE heartbeat_at_ms >= "
                                      ":since ORDER BY heartbeat_at_ms DESC, instance_id"));
    if (const auto failed = query.exec({{QStringLiteral(":since"), sinceMSecs}}))
        return Unexpected(failed->text());
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
    SqlStatement remove(db.value(),
                        QStringLiteral("DELETE FROM jc_instances WHERE instance_id = :id"));
    if (const auto failed = remove.exec({{QStringLiteral(":id"), id}}))
        return Unexpected(failed->text());
    return {};
}

} // namespace jc
