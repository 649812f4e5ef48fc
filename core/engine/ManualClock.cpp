#include "engine/ManualClock.h"

namespace jc {

ManualClock::ManualClock(const QDateTime &start, QObject *parent)
    : Clock(parent)
    , m_now(start.toMSecsSinceEpoch())
{}

void ManualClock::setNow(const QDateTime &now)
{
    setNowMSecs(now.toMSecsSinceEpoch());
}

void ManualClock::setNowMSecs(qint64 msecs)
{
    m_now.store(msecs);
    emit changed();
}

void ManualClock::advance(std::chrono::milliseconds by)
{
    setNowMSecs(m_now.load() + by.count());
}

} // namespace jc
