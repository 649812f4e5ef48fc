#include "jobs/BatchSizer.h"

#include <algorithm>

namespace jc {

BatchSizer::BatchSizer(int first, std::chrono::milliseconds target)
    : m_first(std::max(1, first))
    , m_target(target)
    , m_size(m_first)
{}

// The rate of the batch (users per second) times the target, within half and twice the last
// size: one slow batch (a lock waited for, a checkpoint) does not undo what the ones before
// learnt, and one fast batch does not jump to the limit.
void BatchSizer::committed(long long users, std::chrono::nanoseconds took)
{
    if (!adapts() || users <= 0)
        return;
    const double seconds = std::max(std::chrono::duration<double>(took).count(), 1e-6);
    const double target = std::chrono::duration<double>(m_target).count();
    const double wanted = double(users) * target / seconds;
    const double bounded = std::clamp(wanted, m_size / 2.0, m_size * 2.0);
    const int ceiling = std::max(m_first, maxUsers);
    m_size = int(std::clamp(bounded, double(m_first), double(ceiling)));
}

} // namespace jc
