#include "alerts/AlertDecision.h"

#include <algorithm>

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

bool AlertDecision::isMissed(SkipReason reason)
{
    return reason == SkipReason::Coalesced || reason == SkipReason::Overlap ||
           reason == SkipReason::DatabaseUnavailable;
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

qint64 AlertDecision::p95(QList<qint64> msecs)
{
    if (msecs.isEmpty())
        return 0;
    std::sort(msecs.begin(), msecs.end());
    // Nearest rank: the smallest value with at least 95 % of them at or below it.
    const auto rank = qsizetype((95 * msecs.size() + 99) / 100);
    return msecs.at(std::max<qsizetype>(rank, 1) - 1);
}

std::optional<Alert> AlertDecision::onSlowRun(const RunRecord &running,
                                              const QList<qint64> &usualMSecs,
                                              const AlertRules &rules, const QString &instance,
                                              const QDateTime &now)
{
    constexpr qsizetype fewestUsual = 5;
    if (rules.slowFactor <= 0 || running.info.dryRun || usualMSecs.size() < fewestUsual)
        return std::nullopt;
    const qint64 usual = std::max<qint64>(p95(usualMSecs), 1000); // a second at least
    const qint64 elapsed = running.info.startedAt.msecsTo(now);
    if (elapsed <= usual * rules.slowFactor)
        return std::nullopt;
    const QString message =
        QStringLiteral("more than %1× its usual %2 s (95th percentile of its last %3 successful "
                       "runs)")
            .arg(rules.slowFactor)
            .arg(double(usual) / 1000.0, 0, 'f', 1)
            .arg(usualMSecs.size());
    return Alert{running.info.job,
                 AlertKind::Slow,
                 toText(RunOutcome::Running),
                 message,
                 running.storedRunId,
                 running.info.occurrence,
                 instance,
                 now,
                 int(elapsed / 60000)};
}

std::optional<Alert> AlertDecision::onMissed(const QString &job, const QDateTime &occurrence,
                                             SkipReason reason, int count, const AlertRules &rules,
                                             const QString &instance, const QDateTime &at)
{
    if (!rules.onMissed || count < 1 || !isMissed(reason))
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
