#include "engine/SystemClock.h"

#include <algorithm>
#include <thread>

namespace jc {

qint64 SystemClock::nowMSecs() const
{
    return wallMSecs();
}

qint64 SystemClock::wallMSecs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

std::chrono::milliseconds SystemClock::precisionLead() const
{
    return std::chrono::milliseconds(2);
}

// std::chrono::system_clock and QDateTime read the same clock (CLOCK_REALTIME), so the sleep
// ends when nowMSecs() has reached the instant, unless the wall clock is set back meanwhile
// (then the lead bounds the sleep and the caller looks again).
void SystemClock::waitUntil(qint64 msecs) const
{
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto instant = system_clock::time_point(milliseconds(msecs));
    std::this_thread::sleep_until(std::min(instant, now + precisionLead()));
}

} // namespace jc
