#pragma once

#include "engine/JobPolicies.h"
#include "engine/RunOutcome.h"
#include "schedule/Schedule.h"

#include <QDateTime>
#include <QString>

namespace jc {

// A snapshot of one job as the scheduler sees it in this process.
struct JobStatus
{
    QString name;
    QString description;
    Schedule schedule;
    JobPolicies policies;
    QDateTime nextRun;        // invalid when the schedule never fires again
    QDateTime lastOccurrence; // the last occurrence that came due (invalid: none yet)
    int runningRuns = 0;
    bool queued = false;
    bool paused = false;
    QString pauseReason;
    QString pausedBy;
    QDateTime pausedAt;
    QDateTime resumeAt;                           // invalid: until resumed by hand
    RunOutcome lastOutcome = RunOutcome::Running; // Running here means "never finished"
    QDateTime lastFinishedAt;
    QDateTime lastSuccessAt;
};

} // namespace jc
