#pragma once

#include "engine/RunInfo.h"
#include "engine/RunOutcome.h"
#include "engine/RunProgress.h"
#include "schedule/Schedule.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace jc {

// What the jobs table knows about one job, merged from two sources:
//  - the database (every instance's runs and pauses), refreshed every few seconds;
//  - this console's scheduler (its runs, live), when it runs jobs here.
// The state shown is derived from these facts by JobOverview::state(), nowhere else.
struct JobOverview
{
    enum class State { Idle, Running, Paused, Overdue, Failing };

    QString name;
    QString description;
    Schedule schedule;

    // From the database.
    std::optional<StoredRun> lastRun; // latest run that did run (running or ended)
    QDateTime lastSuccess;            // Qt::UTC; invalid: never succeeded
    std::optional<PauseState> pause;  // stored pause in force (expired ones are left out)

    // From this console's scheduler: a run of this job going on here, with its progress.
    std::optional<RunInfo> localRun;
    RunProgress localProgress;
    QDateTime scheduledNext; // the scheduler's next occurrence (invalid: use the schedule)

    bool isRunning() const
    {
        return localRun.has_value() || (lastRun && lastRun->outcome == RunOutcome::Running);
    }
    // Running elsewhere: the database says running and it is not this console's run.
    bool isRunningElsewhere() const
    {
        return !localRun && lastRun && lastRun->outcome == RunOutcome::Running;
    }
    RunProgress progress() const
    {
        return localRun ? localProgress : (lastRun ? lastRun->progress : RunProgress{});
    }

    // Running, then paused, then overdue (no success for twice the schedule's interval, as
    // `jobctl list` says it), then failing (the last run ended in a problem), else idle.
    State state(const QDateTime &now) const;
    // The next occurrence after `now` (invalid when paused or never again).
    QDateTime nextRun(const QDateTime &now) const;
    // When the job became overdue (invalid when it is not): the first occurrence after its
    // last success (or its last run) that should have succeeded.
    QDateTime overdueSince(const QDateTime &now) const;
};

QString toText(JobOverview::State state);

} // namespace jc
