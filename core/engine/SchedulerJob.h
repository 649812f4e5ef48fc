#pragma once

#include "engine/JobDefinition.h"
#include "engine/JobLogCategory.h"
#include "engine/PendingRun.h"
#include "engine/RunOutcome.h"

#include <memory>
#include <optional>

namespace jc {

// The scheduler's private bookkeeping for one registered job. Scheduler thread only.
// Times are milliseconds since the epoch; -1 means "none".
struct SchedulerJob
{
    explicit SchedulerJob(JobDefinition def)
        : definition(std::move(def))
        , log(std::make_shared<const JobLogCategory>(definition.name))
    {}

    JobDefinition definition;
    std::shared_ptr<const JobLogCategory> log;

    qint64 nextDue = -1;
    qint64 lastOccurrence = -1; // the last occurrence that came due
    int running = 0;
    std::optional<PendingRun> queued;

    bool paused = false;
    QString pauseReason;
    QString pausedBy;
    qint64 pausedAt = -1;
    qint64 resumeAt = -1;
    qint64 missedWhilePaused = -1; // the latest occurrence that came due while paused

    RunOutcome lastOutcome = RunOutcome::Running;
    qint64 lastFinishedAt = -1;
    qint64 lastSuccessAt = -1;
};

} // namespace jc
