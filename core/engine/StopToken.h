#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace jc {

// Why a run was asked to stop. Cancel, timeout, shutdown and a lost lease all use the same
// token; the reason only decides how the run is recorded (cancelled, timed out, interrupted).
// LeaseLost: another instance took the run for dead and marked it interrupted, so it must not
// go on unprotected (another run of the job may start).
enum class StopReason { None, Cancelled, TimedOut, Shutdown, LeaseLost };

// The shared state behind a StopSource and its StopTokens. Thread-safe.
class StopState
{
public:
    bool requestStop(StopReason reason);
    bool isStopRequested() const;
    StopReason reason() const;
    // Waits up to `timeout`; returns true when a stop was requested (before or during it).
    bool waitForStop(std::chrono::milliseconds timeout) const;

private:
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    StopReason m_reason = StopReason::None;
};

// What a job sees: it asks whether to stop, or waits in a way that a stop ends at once.
// Cheap to copy; any thread.
class StopToken
{
public:
    StopToken() = default;
    explicit StopToken(std::shared_ptr<const StopState> state)
        : m_state(std::move(state))
    {}

    [[nodiscard]] bool isStopRequested() const { return m_state && m_state->isStopRequested(); }
    [[nodiscard]] StopReason reason() const
    {
        return m_state ? m_state->reason() : StopReason::None;
    }

    // Sleeps up to `duration` (e.g. a retry backoff). Returns false when the wait was cut
    // short by a stop request, true when the whole duration passed.
    [[nodiscard]] bool sleepFor(std::chrono::milliseconds duration) const;

private:
    std::shared_ptr<const StopState> m_state;
};

// The owner's side: the scheduler keeps one per run and requests the stop.
class StopSource
{
public:
    StopSource()
        : m_state(std::make_shared<StopState>())
    {}

    // The first request wins: a run cancelled and then timed out stays "cancelled".
    bool requestStop(StopReason reason) { return m_state->requestStop(reason); }
    [[nodiscard]] bool isStopRequested() const { return m_state->isStopRequested(); }
    [[nodiscard]] StopReason reason() const { return m_state->reason(); }
    [[nodiscard]] StopToken token() const { return StopToken(m_state); }

private:
    std::shared_ptr<StopState> m_state;
};

} // namespace jc
