#pragma once

#include "alerts/Alert.h"
#include "engine/RunOutcome.h"
#include "engine/RunRecord.h"
#include "engine/SkipReason.h"
#include "jobs/AlertRules.h"

#include <optional>

namespace jc {

// Which events of a job are alerts under its rules (AlertRules): the one home of that rule,
// with no database or network, so that every case is a plain test.
//  - A run that failed, timed out, was interrupted or abandoned, when the rules alert on
//    failure and it is at least the rules' `afterFailures`-th such run in a row.
//  - A success right after such a streak (one that reached `afterFailures`): recovered.
//  - Occurrences that came due and did not run because of downtime (coalesced), an overlap
//    or an unreachable database, when the rules alert on missed ones. Occurrences skipped
//    because the job was paused, the scheduler was stopping or another instance claimed
//    them are nobody's problem and never alert.
//  - No success for longer than the rules' `noSuccessHours`, counted from the last success, or
//    for a job that never succeeded from `watchedSince` (when this instance began to watch):
//    one alert per stretch (its key is the last success), until a success ends it.
//  - A run going on for longer than the rules' `slowFactor` times the 95th percentile of the
//    job's recent successful runs (nearest rank; at least five of them, or it says nothing):
//    once per run.
// Dry runs and cancelled runs never alert, and neither counts in or breaks a streak.
class AlertDecision
{
public:
    // The outcomes that are failures for alerts and streaks.
    static bool isFailure(RunOutcome outcome);
    // Whether occurrences skipped for `reason` were missed (may alert): downtime, an overlap,
    // an unreachable database; not a pause, a stop or another instance's claim.
    static bool isMissed(SkipReason reason);
    // Whether a run with this outcome counts in a streak: a failure or a success.
    static bool countsInStreak(RunOutcome outcome, bool dryRun);

    // `failuresBefore`: the job's failures in a row just before this run (AlertStore).
    static std::optional<Alert> onRunEnded(const RunRecord &record, const AlertRules &rules,
                                           int failuresBefore, const QString &instance);
    // `lastSuccess`: when the job's last real run succeeded (invalid: never).
    static std::optional<Alert> onNoSuccess(const QString &job, const QDateTime &lastSuccess,
                                            const QDateTime &watchedSince, const AlertRules &rules,
                                            const QString &instance, const QDateTime &now);
    // `running`: a run going on (its stored id in storedRunId); `usualMSecs`: the durations
    // of the job's recent successful runs.
    static std::optional<Alert> onSlowRun(const RunRecord &running, const QList<qint64> &usualMSecs,
                                          const AlertRules &rules, const QString &instance,
                                          const QDateTime &now);
    // The 95th percentile of `msecs` by nearest rank; 0 for none.
    static qint64 p95(QList<qint64> msecs);
    static std::optional<Alert> onMissed(const QString &job, const QDateTime &occurrence,
                                         SkipReason reason, int count, const AlertRules &rules,
                                         const QString &instance, const QDateTime &at);
};

} // namespace jc
