#include "engine/StopToken.h"

namespace jc {

bool StopState::requestStop(StopReason reason)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_reason != StopReason::None)
            return false;
        m_reason = reason;
    }
    m_changed.notify_all();
    return true;
}

bool StopState::isStopRequested() const
{
    return reason() != StopReason::None;
}

StopReason StopState::reason() const
{
    std::lock_guard lock(m_mutex);
    return m_reason;
}

bool StopState::waitForStop(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [this] { return m_reason != StopReason::None; });
}

bool StopToken::sleepFor(std::chrono::milliseconds duration) const
{
    if (!m_state) {
        // A token with no source can never be stopped: a plain sleep.
        std::mutex mutex;
        std::condition_variable never;
        std::unique_lock lock(mutex);
        never.wait_for(lock, duration, [] { return false; });
        return true;
    }
    return !m_state->waitForStop(duration);
}

} // namespace jc
