#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

namespace jc {

// One process that schedules jobs on the database, as it last announced itself.
struct InstanceInfo
{
    QString id; // "host:pid", the scheduler's instance id (runs name it too)
    QString host;
    qint64 pid = 0;
    QString mode;          // "serve", "console", "run": which program hosts the scheduler
    QDateTime startedAt;   // Qt::UTC
    QDateTime heartbeatAt; // Qt::UTC: its last sign of life
};

// Who schedules jobs on this database (jc_instances): each scheduler announces itself at
// start and with every heartbeat (every 15 s by default), so admins see which instances are
// alive and which went quiet ("instances seen recently" in the console, `jobctl list`).
//
// Thread: any; each call uses the calling thread's connection. Errors are values.
class InstanceRegistry
{
public:
    explicit InstanceRegistry(std::shared_ptr<ConnectionFactory> connections);

    // Inserts or refreshes `instance`'s row: heartbeat now; the start time stays the first one
    // given for that id.
    Expected<void, QString> announce(const InstanceInfo &instance, qint64 nowMSecs);

    // Instances whose last heartbeat is at or after `sinceMSecs`, most recent first.
    [[nodiscard]] Expected<QList<InstanceInfo>, QString> seenSince(qint64 sinceMSecs) const;

    // Removes `id`'s row: a clean shutdown, so the instance does not linger as "quiet".
    Expected<void, QString> withdraw(const QString &id);

private:
    std::shared_ptr<ConnectionFactory> m_connections;
};

} // namespace jc
