#include "alerts/AlertDecision.h"

namespace jc {

namespace {

std::optional<AlertKind> failureKind(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Failed:
        return AlertKind::Failed;
    case RunOutcome::TimedOut:
        return AlertKind::TimedOut;
    case RunOutcome::Interrupted:
        return AlertKind::Interrupted;
    case RunOutcome::Abandoned:
        return AlertKind::Abandoned;
    default:
        return std::nullopt;
    }
}

} // namespace

bool AlertDecision::isFailure(RunOutcome outcome)
{
    return failureKind(outcome).has_value();
}

bool AlertDecision::countsInStreak(RunOutcome outcome, bool dryRun)
{
    return !dryRun && (outcome == RunOutcome::Succeeded || isFailure(outcome));
}

std::optional<Alert> AlertDecision::onRunEnded(const RunRecord &record, const AlertRules &rules,
                                               int failuresBefore, const QString &instance)
{
    if (!rules.onFailure || !countsInStreak(record.outcome, record.info.dryRun))
        return std::nullopt;
    Alert alert{record.info.job, AlertKind::Failed,  toText(record.outcome),
                QString(),       record.storedRunId, record.info.occurrence,
                instance,        record.finishedAt,  1};
    if (const auto kind = failureKind(record.outcome)) {
        alert.count = failuresBefore + 1;
        if (alert.count < rules.afterFailures)
            return std::nullopt;
        alert.kind = *kind;
        alert.message = record.error.section(u'\n', 0, 0).trimmed();
        return alert;
    }
    if (failuresBefore < rules.afterFailures)
        return std::nullopt;
    alert.kind = AlertKind::Recovered;
    alert.count = failuresBefore;
    return alert;
}

std::optional<Alert> AlertDecision::onNoSuccess(const QString &job, const QDateTime &lastSuccess,
                                                const QDateTime &watchedSince,
                                                const AlertRules &rules, const QString &instance,
                                                const QDateTime &now)
{
    if (rules.noSuccessHours <= 0)
        return std::nullopt;
    const QDateTime since = lastSuccess.isValid() ? lastSuccess : watchedSince;
    if (!since.isValid() || since.secsTo(now) <= qint64(rules.noSuccessHours) * 3600)
        return std::nullopt;
    const QString message =
        lastSuccess.isValid()
            ? QStringLiteral("no run succeeded for longer than %1 h").arg(rules.noSuccessHours)
            : QStringLiteral("no run has ever succeeded (watched for longer than %1 h)")
                  .arg(rules.noSuccessHours);
    return Alert{job,
                 AlertKind::NoSuccess,
                 QStringLiteral("none"),
                 message,
                 0,
                 lastSuccess,
                 instance,
                 now,
                 int(since.secsTo(now) / 3600)};
}

std::optional<Alert> AlertDecision::onMissed(const QString &job, const QDateTime &occurrence,
                                             SkipReason reason, int count, const AlertRules &rules,
                                             const QString &instance, const QDateTime &at)
{
    if (!rules.onMissed || count < 1)
        return std::nullopt;
    if (reason != SkipReason::Coalesced && reason != SkipReason::Overlap &&
        reason != SkipReason::DatabaseUnavailable)
        return std::nullopt;
    const QString why = reason == SkipReason::Coalesced ? QStringLiteral("no instance was running")
                        : reason == SkipReason::Overlap
                            ? QStringLiteral("a run was still going (overlap: skip)")
                            : QStringLiteral("the database could not be reached");
    return Alert{job,
                 AlertKind::Missed,
                 QStringLiteral("missed"),
                 QStringLiteral("not run: ") + why,
                 0,
                 occurrence,
                 instance,
                 at,
                 count};
}

} // namespace jc
