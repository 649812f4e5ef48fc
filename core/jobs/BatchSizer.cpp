#include "jobs/BatchSizer.h"

#include <algorithm>

namespace jc {

BatchSizer::BatchSizer(int first, std::chrono::milliseconds target)
    : m_first(std::max(1, first))
    , m_target(target)
    , m_size(m_first)
{}

// The rate of the batch (users per second) times the target, at most twice the last size, so
// that one fast batch does not jump to the limit. A batch slower than the target, but within
// twice it, shrinks the next by half at most: one lock waited for or one checkpoint does not
// undo what the batches before learnt. A batch over twice the target takes the next straight
// to its rate: users that were cheap to pass (granted already, in a rerun) grew the batches
// beyond what owed users cost, and the locks must be short again at once.
void BatchSizer::committed(long long users, std::chrono::nanoseconds took)
{
    if (!adapts() || users <= 0)
        return;
    const double seconds = std::max(std::chrono::duration<double>(took).count(), 1e-6);
    const double target = std::chrono::duration<double>(m_target).count();
    const double wanted = double(users) * target / seconds;
    const double least = seconds > 2 * target ? 0.0 : m_size / 2.0;
    const double bounded = std::clamp(wanted, least, m_size * 2.0);
    const int ceiling = std::max(m_first, maxUsers);
    m_size = int(std::clamp(bounded, double(m_first), double(ceiling)));
}

} // namespace jc
