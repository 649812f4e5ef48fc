#include "engine/SchedulerMailbox.h"

#include "engine/Clock.h"
#include "engine/SystemClock.h"

namespace jc {

SchedulerMailbox::SchedulerMailbox(QObject *receiver, const Clock &clock,
                                   std::function<void(RunId)> handler)
    : m_receiver(receiver)
    , m_clock(&clock)
    , m_handler(std::move(handler))
{}

void SchedulerMailbox::post(RunId run)
{
    // Posting under the lock: close() cannot complete (and the receiver cannot be deleted)
    // between the check and the post. Qt discards events posted to an object when it dies.
    std::lock_guard lock(m_mutex);
    if (!m_receiver)
        return;
    QMetaObject::invokeMethod(
        m_receiver, [handler = m_handler, run] { handler(run); }, Qt::QueuedConnection);
}

qint64 SchedulerMailbox::nowMSecs() const
{
    std::lock_guard lock(m_mutex);
    return m_clock ? m_clock->nowMSecs() : SystemClock::wallMSecs();
}

void SchedulerMailbox::close()
{
    std::lock_guard lock(m_mutex);
    m_receiver = nullptr;
    m_clock = nullptr;
}

} // namespace jc
