#include "jobs/PeriodRuns.h"

namespace jc {

QString PeriodRuns::periodOf(const QJsonObject &summary)
{
    return summary.value(QStringLiteral("period")).toString();
}

Expected<std::optional<StoredRun>, QString>
PeriodRuns::doneBy(const RunHistory &history, const QString &job, const QString &period)
{
    if (period.isEmpty())
        return std::optional<StoredRun>();
    const auto runs =
        history.runs({.job = job, .outcomes = {RunOutcome::Succeeded}, .limit = scanned});
    if (!runs)
        return Unexpected(runs.error());
    for (const StoredRun &run : runs.value()) {
        if (!run.dryRun && periodOf(run.summary) == period)
            return std::optional(run);
    }
    return std::optional<StoredRun>();
}

} // namespace jc
