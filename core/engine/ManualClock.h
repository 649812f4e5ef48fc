#pragma once

#include "engine/Clock.h"

#include <atomic>
#include <chrono>

namespace jc {

// A clock that moves only when told to: tests run a month of schedule in milliseconds.
// setNow() and advance() emit changed(), so a scheduler wakes at once and re-reads now().
// Moving backwards is allowed: that is how tests simulate the wall clock being set back.
class ManualClock final : public Clock
{
    Q_OBJECT
public:
    explicit ManualClock(const QDateTime &start, QObject *parent = nullptr);

    [[nodiscard]] qint64 nowMSecs() const override { return m_now.load(); }

    void setNow(const QDateTime &now);
    void setNowMSecs(qint64 msecs);
    void advance(std::chrono::milliseconds by);

private:
    std::atomic<qint64> m_now;
};

} // namespace jc
