#pragma once

#include "engine/JobLogger.h"
#include "engine/RunInfo.h"
#include "engine/StopToken.h"

#include <chrono>
#include <memory>

namespace jc {

class RunState;

// Everything a job body gets for one run (ARCHITECTURE.md, decision 5): which occurrence it
// runs and why, a stop token shared by cancel, timeout and shutdown, a structured logger
// that writes both to the job's QLoggingCategory and to the run's log, and progress.
//
// Thread: used on the worker thread that runs the body; the scheduler reads what it
// records from its own thread.
class JobContext
{
public:
    // `category` is the job's own (jc.job.<slug>); it must outlive the context.
    JobContext(const std::shared_ptr<RunState> &run, const QLoggingCategory &category);
    JobContext(const JobContext &) = delete;
    JobContext &operator=(const JobContext &) = delete;

    [[nodiscard]] const RunInfo &run() const;
    [[nodiscard]] const QString &jobName() const { return run().job; }
    [[nodiscard]] RunId runId() const { return run().id; }
    [[nodiscard]] const QDateTime &occurrence() const { return run().occurrence; }
    [[nodiscard]] RunTrigger trigger() const { return run().trigger; }
    [[nodiscard]] bool isDryRun() const { return run().dryRun; }
    [[nodiscard]] int attempt() const { return run().attempt; }
    // The zone the job runs in: its schedule's, after overrides (`fallback` when the run has
    // none, e.g. a body called outside a scheduler). Periods such as a month follow it.
    [[nodiscard]] QTimeZone zone(const QTimeZone &fallback) const
    {
        return run().zone.isValid() ? run().zone : fallback;
    }

    // "Now" for the body's own rules (a cutoff, a grace period): when the run started by its
    // scheduler's clock (a manual clock in tests), else its occurrence, else the wall clock
    // (only for a body called outside a scheduler with neither).
    [[nodiscard]] QDateTime startedAt() const;

    [[nodiscard]] StopToken stopToken() const;
    [[nodiscard]] bool isStopRequested() const;
    // Waits up to `duration`; false when a stop cut the wait short (then return promptly).
    [[nodiscard]] bool sleepFor(std::chrono::milliseconds duration) const;

    JobLogger &log() { return m_logger; }

    // done of total (total 0 = unknown), with an optional line of text. Nonsense (negative
    // numbers, done past total) is clamped, never trusted.
    void setProgress(qint64 done, qint64 total, const QString &text = {});

private:
    std::shared_ptr<RunState> m_run;
    JobLogger m_logger;
};

} // namespace jc
