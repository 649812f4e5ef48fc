#pragma once

#include "engine/RunOutcome.h"

#include <chrono>
#include <optional>

namespace jc {

// How a failed or timed-out run is tried again: exponential backoff with jitter and a cap.
// The scheduler never schedules a retry at or past the job's next occurrence: that
// occurrence is the better retry.
struct RetryPolicy
{
    int attempts = 1; // total, first try included; 1 = no retry
    std::chrono::milliseconds baseDelay{std::chrono::seconds(30)};
    double multiplier = 2.0;
    std::chrono::milliseconds maxDelay{std::chrono::hours(1)};
    double jitter = 0.2; // each delay is spread uniformly over +/- this fraction

    // The wait before attempt `attempt` (2 for the first retry). `unitRandom` in [0, 1)
    // chooses the jitter; 0.5 means none. Never more than maxDelay, never negative.
    [[nodiscard]] std::chrono::milliseconds delayBefore(int attempt, double unitRandom) const;

    // The attempt that follows attempt `attempt` which ended with `outcome`: only a failed or
    // timed-out run is tried again, and only while attempts are left. None: no retry.
    [[nodiscard]] std::optional<int> nextAttempt(RunOutcome outcome, int attempt) const;
};

} // namespace jc
