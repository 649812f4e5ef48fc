#pragma once

#include "engine/JobDefinition.h"
#include "engine/JobLogCategory.h"
#include "engine/JobStatus.h"
#include "engine/PendingRun.h"
#include "engine/RunOutcome.h"

#include <QVariantMap>

#include <memory>
#include <optional>
#include <utility>

namespace jc {

// The scheduler's private bookkeeping for one registered job. Scheduler thread only.
// Instants are milliseconds since the epoch; an empty optional means "none".
struct SchedulerJob
{
    explicit SchedulerJob(JobDefinition def)
        : definition(std::move(def))
        , log(std::make_shared<const JobLogCategory>(definition.name))
    {}

    // What the job looks like from outside (Scheduler::jobStatus).
    [[nodiscard]] JobStatus status() const;
    // Why an occurrence did not run while paused: "The job is paused by <who>: <reason>".
    [[nodiscard]] QString pausedDetail() const;
    // One structured line ("message key=value …", the job's name among the fields) to the
    // job's own logging category; nothing is formatted when the category filters it out.
    void logLine(QtMsgType type, const QString &message, QVariantMap fields = {}) const;
    // A retry that came due while the job is paused, here or (the claim said so) in the
    // database: kept in heldRetry for the resume to run (Scheduler::resume), and logged.
    void holdRetry(const PendingRun &retry);

    JobDefinition definition;
    std::shared_ptr<const JobLogCategory> log;

    std::optional<qint64> nextDue;
    std::optional<qint64> lastOccurrence; // the last occurrence that came due
    int running = 0;
    std::optional<PendingRun> queued;

    bool paused = false;
    QString pauseReason;
    QString pausedBy;
    std::optional<qint64> pausedAt;
    std::optional<qint64> resumeAt;
    std::optional<qint64> missedWhilePaused; // the latest occurrence that came due while paused
    std::optional<PendingRun> heldRetry;     // a retry that came due while paused
    // The interrupted run (journal id, start) of an occurrence this instance last considered
    // catching up (Scheduler::catchUpUnfinished): each interruption is considered once.
    std::optional<std::pair<qint64, qint64>> unfinishedSeen;

    RunOutcome lastOutcome = RunOutcome::Running;
    std::optional<qint64> lastFinishedAt;
    std::optional<qint64> lastSuccessAt;
};

// An instant of the scheduler's as the UTC date-time its signals and statuses carry; none is
// an invalid QDateTime.
QDateTime utcDateTime(std::optional<qint64> msecs);

} // namespace jc
