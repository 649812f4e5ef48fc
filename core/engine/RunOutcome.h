#pragma once

#include <QString>

#include <optional>

namespace jc {

// How a run ended, or that it has not yet. Stored as text in history.
//  - Abandoned: the body did not return within the grace period after a stop or timeout;
//    its thread may still be busy, but the scheduler no longer waits for it.
//  - Interrupted: the instance running it died (detected by the storage layer's lease).
//  - Skipped / Missed: an occurrence that did not run (overlap, pause, downtime).
enum class RunOutcome {
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
    Abandoned,
    Interrupted,
    Skipped,
    Missed
};

QString toText(RunOutcome outcome);
std::optional<RunOutcome> runOutcomeFromString(const QString &text);

// Failed, TimedOut, Abandoned, Interrupted, Missed: what the error log shows.
bool isProblem(RunOutcome outcome);

} // namespace jc
