#pragma once

#include "engine/MissedRunPolicy.h"
#include "engine/OverlapPolicy.h"
#include "engine/RetryPolicy.h"

#include <chrono>

namespace jc {

// The rules a job runs under, with the defaults of the original scheduler where it had one.
struct JobPolicies
{
    OverlapPolicy overlap = OverlapPolicy::Skip;
    // 0 = no timeout. When it expires the run's stop token is triggered (reason TimedOut).
    std::chrono::milliseconds timeout{0};
    RetryPolicy retry;
    MissedRunPolicy missed;
};

} // namespace jc
