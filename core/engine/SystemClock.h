#pragma once

#include "engine/Clock.h"

namespace jc {

// The real wall clock. It never emits changed(): the scheduler notices wall-clock jumps by
// re-reading the time at each bounded wake-up.
class SystemClock final : public Clock
{
    Q_OBJECT
public:
    using Clock::Clock;
    qint64 nowMSecs() const override;
};

} // namespace jc
