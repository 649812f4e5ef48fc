#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>

#include <memory>
#include <optional>

namespace jc {

// One recorded change of a job's settings: who, when, before and after (JSON objects).
// What a recorded change of a job was about.
//  - Settings: its overrides; `before` and `after` are the whole overrides (JobOverrides).
//  - Pause: it was paused (or its pause replaced); `after` is the new pause and `before` the
//    one it replaced, if any (PauseStore::toJson: pausedBy, pausedAt, reason, until).
//  - Resume: its pause was ended by hand; `before` is the pause that ended, `after` empty.
enum class JobChangeKind { Settings, Pause, Resume };

QString toText(JobChangeKind kind);

struct JobSettingsChange
{
    qint64 id = 0;
    QString job;
    QDateTime changedAt; // Qt::UTC
    QString changedBy;
    QJsonObject before;
    QJsonObject after;
    JobChangeKind kind = JobChangeKind::Settings;
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

    [[nodiscard]] Expected<QHash<QString, QJsonObject>, QString> all() const;

    // Replaces `job`'s overrides with `settings` (empty: back to the defaults) and records the
    // change, in one transaction. Returns the overrides that were in force before.
    Expected<QJsonObject, QString> set(const QString &job, const QJsonObject &settings,
                                       const QString &changedBy, qint64 nowMSecs);

    // The newest changes of `job`, newest first: settings changes, pauses and resumes.
    [[nodiscard]] Expected<QList<JobSettingsChange>, QString> changes(const QString &job,
                                                                      int limit) const;

    // Every settings change of `job` (no pauses or resumes) made after `afterMSecs`, in the
    // order they were made (oldest first): what missed-run detection walks
    // (ScheduleChangeLog). Each one's `before` is its predecessor's `after`.
    [[nodiscard]] Expected<QList<JobSettingsChange>, QString> changesSince(const QString &job,
                                                                           qint64 afterMSecs) const;

    // Records one change in `db`'s open transaction (PauseStore records its pauses so,
    // together with the pause itself).
    static std::optional<QString> record(QSqlDatabase &db, const QString &job, JobChangeKind kind,
                                         const QJsonObject &before, const QJsonObject &after,
                                         const QString &by, qint64 nowMSecs);

private:
    std::shared_ptr<ConnectionFactory> m_connections;
};

} // namespace jc
