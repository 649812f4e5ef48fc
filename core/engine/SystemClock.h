#pragma once

#include "engine/Clock.h"

namespace jc {

// The real wall clock. It never emits changed(): the scheduler notices wall-clock jumps by
// re-reading the time at each bounded wake-up. Its lead lets runs start within a fraction of
// a millisecond of their instant (the thread sleeps the last 2 ms at most, with the kernel's
// timer precision, instead of waiting on the millisecond-rounded event loop).
class SystemClock final : public Clock
{
    Q_OBJECT
public:
    using Clock::Clock;
    [[nodiscard]] qint64 nowMSecs() const override;

    // The system's time, for the few readers that have no Clock by design: a record made
    // outside any scheduler (a run without one, a migration's date, a UUIDv7's time). The
    // only read of the system's time in core/ and ui/: everything else asks its Clock.
    static qint64 wallMSecs();
    static QDateTime wallTime() { return QDateTime::fromMSecsSinceEpoch(wallMSecs(), Qt::UTC); }
    [[nodiscard]] std::chrono::milliseconds precisionLead() const override;
    void waitUntil(qint64 msecs) const override;
};

} // namespace jc
