#include "jobs/BatchSizer.h"

#include <algorithm>

namespace jc {

BatchSizer::BatchSizer(int first, std::chrono::milliseconds target)
    : m_first(std::max(1, first))
    , m_target(target)
    , m_size(m_first)
{}

void BatchSizer::committed(long long users, std::chrono::nanoseconds took)
{
    if (!adapts() || users <= 0)
        return;
    const double seconds = std::max(std::chrono::duration<double>(took).count(), 1e-6);
    m_committedUsers += double(users);
    m_committedSeconds += seconds;
    m_size = sizeAfter(m_size, double(users), seconds);
}

// The rate of the batch (users per second) times the target, at most twice the last size, so
// that one fast batch does not jump to the limit. A batch slower than the target, but within
// twice it, shrinks the next by half at most: one lock waited for or one checkpoint does not
// undo what the batches before learnt. A batch over twice the target takes the next straight
// to its rate: users that were cheap to pass (granted already, in a rerun) grew the batches
// beyond what owed users cost, and the locks must be short again at once.
int BatchSizer::sizeAfter(int size, double users, double seconds) const
{
    const double target = std::chrono::duration<double>(m_target).count();
    const double wanted = users * target / seconds;
    const double least = seconds > 2 * target ? 0.0 : size / 2.0;
    const double bounded = std::clamp(wanted, least, size * 2.0);
    const int ceiling = std::max(m_first, maxUsers);
    return int(std::clamp(bounded, double(m_first), double(ceiling)));
}

// Why simulate: the sizes double towards the rate's, so "users left / next size" told the
// batches of a 300,000-user top-up on MariaDB as 151, 77, 40, 31, 30, 33… (33 in the end),
// while the rate, known from the first batch, already says 30 (29 in the end).
long long BatchSizer::batchesFor(long long users) const
{
    if (users <= 0)
        return 0;
    if (!adapts() || m_committedUsers <= 0)
        return (users + m_size - 1) / m_size;
    const double rate = m_committedUsers / m_committedSeconds;
    long long batches = 0;
    int size = m_size;
    // The sizes settle within a few dozen steps (they double, or go straight to the rate's);
    // the bound only guards the loop.
    for (int step = 0; step < 64 && users > 0; ++step) {
        const int next = sizeAfter(size, size, std::max(size / rate, 1e-6));
        if (next == size)
            break;
        users -= size;
        ++batches;
        size = next;
    }
    return batches + (std::max(users, 0LL) + size - 1) / size;
}

} // namespace jc
