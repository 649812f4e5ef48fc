#include "engine/RetryPolicy.h"

#include <algorithm>
#include <cmath>

namespace jc {

std::chrono::milliseconds RetryPolicy::delayBefore(int attempt, double unitRandom) const
{
    const int retryIndex = std::max(0, attempt - 2);
    const auto cap = static_cast<double>(maxDelay.count());
    double delay = static_cast<double>(baseDelay.count()) * std::pow(multiplier, retryIndex);
    delay = std::min(delay, cap); // before jitter too, so pow() overflow cannot leak through
    const double spread = std::clamp(jitter, 0.0, 1.0);
    delay *= 1.0 - spread + 2.0 * spread * std::clamp(unitRandom, 0.0, 1.0);
    delay = std::clamp(delay, 0.0, cap);
    return std::chrono::milliseconds(static_cast<long long>(std::llround(delay)));
}

std::optional<int> RetryPolicy::nextAttempt(RunOutcome outcome, int attempt) const
{
    if (outcome != RunOutcome::Failed && outcome != RunOutcome::TimedOut)
        return std::nullopt;
    if (attempt + 1 > attempts)
        return std::nullopt;
    return attempt + 1;
}

} // namespace jc
