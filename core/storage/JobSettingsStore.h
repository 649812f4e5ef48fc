#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>

#include <memory>

namespace jc {

// One recorded change of a job's settings: who, when, before and after (JSON objects).
struct JobSettingsChange
{
    qint64 id = 0;
    QString job;
    QDateTime changedAt; // Qt::UTC
    QString changedBy;
    QJsonObject before;
    QJsonObject after;
};

// Per-job settings overrides stored in the database (jc_job_settings), so that every instance
// agrees, with every change recorded (jc_job_changes). The overrides are a JSON object whose
// keys JobOverrides knows ("schedule", "timeZone", "overlap", ...); this class stores them and
// does not interpret them: validate before calling set().
//
// Thread: any; each call uses the calling thread's connection.
class JobSettingsStore
{
public:
    explicit JobSettingsStore(std::shared_ptr<ConnectionFactory> connections);

    Expected<QHash<QString, QJsonObject>, QString> all() const;

    // Replaces `job`'s overrides with `settings` (empty: back to the defaults) and records the
    // change, in one transaction. Returns the overrides that were in force before.
    Expected<QJsonObject, QString> set(const QString &job, const QJsonObject &settings,
                                       const QString &changedBy, qint64 nowMSecs);

    // The newest changes of `job`, newest first.
    Expected<QList<JobSettingsChange>, QString> changes(const QString &job, int limit) const;

    // Every change of `job` made after `afterMSecs`, in the order they were made (oldest
    // first): what missed-run detection walks (ScheduleChangeLog).
    Expected<QList<JobSettingsChange>, QString> changesSince(const QString &job,
                                                             qint64 afterMSecs) const;

private:
    std::shared_ptr<ConnectionFactory> m_connections;
};

} // namespace jc
