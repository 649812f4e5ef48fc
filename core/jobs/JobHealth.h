#pragma once

#include "schedule/Schedule.h"
#include "schedule/ScheduleTimeline.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

#include <QDateTime>
#include <QString>

#include <chrono>
#include <optional>

namespace jc {

// The one rule for a job's health, used by the console's jobs table and `jobctl list` alike:
// each gives it the facts it has read and shows the state it returns.
//
// Precedence, first match wins:
//   1. running         a run of the job goes on: here (runningHere), or stored as running by
//                      another instance that still answers;
//   2. not responding  the latest run is stored as running, not here, and its holder no
//                      longer answers (notResponding: the storage layer's liveness check
//                      decides, this rule only gives it its place);
//   3. paused          a pause is in force at `now`;
//   4. overdue         a due time has passed without a run: the first occurrence after the
//                      job's last sign of work (reference(), below) is more than overdueGrace
//                      ago;
//   5. failing         the latest run ended in a problem (isProblem: failed, timed out,
//                      interrupted, abandoned);
//   6. idle            none of these: all is well.
// Why this order: a run going on is what the job does now, whatever else is true (a pause
// does not stop a run under way, so "paused" there would hide it). A dead holder is a
// problem only while its run still looks running. A pause explains every missed due time, so
// it comes before overdue. Overdue comes before failing because it is the newer fact: the
// last run failed, and since then nothing ran the job at all, not even a retry; the failure
// stays visible in the last run's outcome.
//
// Overdue is measured from the job's last sign of work: the later of its latest run's start
// (a manual run counts: the work was done) and the newest occurrence the scheduler dealt
// with (lastOccurrence: skipped while paused or overlapping, or recorded missed, all count,
// so that a pause just resumed or a run that outlasted its interval is not "overdue"). A job
// with neither is never overdue: nothing says since when it should have run. The due times
// after it are those of the schedule in force at each moment (earlierSchedules, as the
// scheduler walks them): a new schedule or zone counts from the instant it was set, so a job
// made to run every 7 minutes at 23:12 is not "overdue since 00:07".
//
// Thread: any (pure functions).
class JobHealth
{
public:
    enum class State { Idle, Running, Paused, Failing, Overdue, NotResponding };

    // What the caller read about one job.
    struct Facts
    {
        Schedule schedule;
        // The latest run that did run (RunHistory::latestRunPerJob), or this process's own.
        std::optional<StoredRun> lastRun;
        // The newest occurrence the scheduler dealt with (RunHistory::lastOccurrencePerJob);
        // invalid when unknown.
        QDateTime lastOccurrence;
        // The schedules it followed before `schedule`, each until it was replaced
        // (ScheduleChangeLog::read); empty: `schedule` throughout.
        QList<ScheduleTimeline::Replaced> earlierSchedules;
        // The stored pause, if any; one whose resume time has come counts as none.
        std::optional<PauseState> pause;
        // This process's scheduler runs the job now.
        bool runningHere = false;
        // Slot for the liveness check (core/storage): true when the latest run is stored as
        // running but its holder is dead or its lease expired. Only looked at while the
        // latest run is stored as running and does not run here.
        bool notResponding = false;
    };

    // A due time this recent may just not have been written yet (the run starts, the
    // console polls every few seconds, a queued run waits for its turn).
    static constexpr std::chrono::minutes overdueGrace{5};

    static State state(const Facts &facts, const QDateTime &now);
    // The first occurrence that should have run and did not: valid when a due time has passed
    // without a run and no pause is in force, even where running or not responding wins.
    static QDateTime overdueSince(const Facts &facts, const QDateTime &now);
    // The job's last sign of work (see above); invalid when it has none.
    static QDateTime reference(const Facts &facts);
    static bool isPausedAt(const Facts &facts, const QDateTime &now);
};

// "idle", "running", "paused", "failing", "overdue", "not responding".
QString toText(JobHealth::State state);

} // namespace jc
