#include "engine/SchedulerJob.h"

#include "engine/PauseDetail.h"

#include "common/LogFields.h"

namespace jc {

QDateTime utcDateTime(std::optional<qint64> msecs)
{
    return msecs ? QDateTime::fromMSecsSinceEpoch(*msecs, Qt::UTC) : QDateTime();
}

JobStatus SchedulerJob::status() const
{
    JobStatus status;
    status.name = definition.name;
    status.description = definition.description;
    status.schedule = definition.schedule;
    status.policies = definition.policies;
    status.nextRun = utcDateTime(nextDue);
    status.lastOccurrence = utcDateTime(lastOccurrence);
    status.runningRuns = running;
    status.queued = queued.has_value();
    status.paused = paused;
    status.pauseReason = pauseReason;
    status.pausedBy = pausedBy;
    status.pausedAt = utcDateTime(pausedAt);
    status.resumeAt = utcDateTime(resumeAt);
    status.lastOutcome = lastOutcome;
    status.lastFinishedAt = utcDateTime(lastFinishedAt);
    status.lastSuccessAt = utcDateTime(lastSuccessAt);
    return status;
}

QString SchedulerJob::pausedDetail() const
{
    return pauseDetail(pausedBy, pauseReason);
}

void SchedulerJob::holdRetry(const PendingRun &retry)
{
    heldRetry = retry;
    logLine(QtInfoMsg, QStringLiteral("Retry held until the job is resumed"),
            {{QStringLiteral("occurrence"), utcDateTime(retry.occurrence)},
             {QStringLiteral("attempt"), retry.attempt}});
}

void SchedulerJob::logLine(QtMsgType type, const QString &message, QVariantMap fields) const
{
    const QLoggingCategory &category = log->category();
    const QtMsgType level = type == QtFatalMsg ? QtCriticalMsg : type;
    if (!category.isEnabled(level))
        return; // formatting is the expensive part: skip it for filtered-out lines
    fields.insert(QStringLiteral("job"), definition.name);
    const QString line = LogFields::format(message, fields);
    switch (type) {
    case QtDebugMsg:
        qCDebug(category).noquote() << line;
        break;
    case QtWarningMsg:
        qCWarning(category).noquote() << line;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        qCCritical(category).noquote() << line;
        break;
    case QtInfoMsg:
        qCInfo(category).noquote() << line;
        break;
    }
}

} // namespace jc
