#pragma once

#include "engine/RunInfo.h"
#include "engine/RunOutcome.h"
#include "engine/RunProgress.h"
#include "jobs/JobHealth.h"
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
// The state shown is derived from these facts by JobHealth, the rule `jobctl list` follows
// too; JobOverview only gathers the facts (facts()).
struct JobOverview
{
    using State = JobHealth::State;

    QString name;
    QString description;
    Schedule schedule;

    // From the database.
    std::optional<StoredRun> lastRun; // latest run that did run (running or ended)
    QDateTime lastSuccess;            // Qt::UTC; invalid: never succeeded
    std::optional<PauseState> pause;  // stored pause in force (expired ones are left out)
    QDateTime lastOccurrence;         // newest occurrence the scheduler dealt with (invalid: none)
    // The schedules it followed before `schedule` (JobHealth::Facts): a change counts from
    // its own instant.
    QList<ScheduleTimeline::Replaced> earlierSchedules;
    // The liveness check's verdict on a run stored as running (JobHealth::Facts): its holder
    // is dead or its lease expired. Nothing sets it yet.
    bool notResponding = false;
    std::optional<QDateTime> notRespondingSince; // set with notResponding: its last heartbeat

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

    // What JobHealth needs, from both sources.
    JobHealth::Facts facts() const;
    // JobHealth::state(): running, not responding, paused, overdue, failing, else idle.
    State state(const QDateTime &now) const;
    // The next occurrence after `now` (invalid when paused or never again).
    QDateTime nextRun(const QDateTime &now) const;
    // JobHealth::overdueSince(): the first occurrence that should have run and did not
    // (invalid when the job is not overdue).
    QDateTime overdueSince(const QDateTime &now) const;
};

} // namespace jc
