#pragma once

#include "engine/RunExecutor.h"

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

class QThreadPool;

namespace jc {

// Claims the runs a scheduler starts, and records how they ended, many per transaction
// (RunJournal::claimAll, finishAll): when thousands of jobs come due at one instant, their
// claims share a few transactions instead of one each, and so do their ends. Each claim and
// each end is decided exactly as on its own; exactly-once is the journal's, unchanged.
//
// Nobody waits for a batch to fill. The work runs on the scheduler's pool, like the bodies:
//  - claims: the first claim queued starts a task that claims what is queued (up to
//    maxPerRound at a time), starts the claimed bodies on the pool, publishes the refused
//    runs, and goes on while claims are queued; when none is left it runs the last body it
//    claimed itself (a run alone costs no second thread). A run alone is claimed at once; a
//    burst batches itself, as its claims queue while one round is written.
//  - ends: the worker whose body returned queues the run's end and, unless another worker is
//    writing ends already, writes every end queued (its own and those queued meanwhile)
//    until none is left.
// A run is published (RunState::publish: the scheduler learns it ended) only once its end, or
// the refusal of its claim, is written, as before.
//
// Lifetime: tasks hold it by shared pointer. `pool` must outlive every task it runs (the
// scheduler's pool waits for its tasks when destroyed, or is never freed).
// Thread-safe.
class JournalBatcher : public std::enable_shared_from_this<JournalBatcher>
{
public:
    JournalBatcher(std::shared_ptr<RunJournal> journal, QThreadPool &pool);

    [[nodiscard]] const std::shared_ptr<RunJournal> &journal() const { return m_journal; }

    // Queues the run's claim; once claimed its body runs on the pool, and its end is written
    // when it returns.
    void claim(RunExecutor::Context context);

    // At most this many claims, or ends, are taken off the queue at a time: the first bodies
    // of a burst start after one round, not after all of it.
    static constexpr std::size_t maxPerRound = 250;

private:
    using Batch = std::vector<RunExecutor::Context>;

    void claimQueued();
    // Claims `round` in one call; the runs claimed, in order (the refused are published).
    Batch claimRound(Batch round);
    // True, and claiming ends, when no claim is queued (under the lock).
    bool lastRound();
    // Runs a claimed run's body on the pool.
    void startBody(RunExecutor::Context context);
    void runClaimed(const RunExecutor::Context &context);
    void finished(RunExecutor::Context context);
    void finishQueued();
    // Takes up to maxPerRound from `queue`; when it is empty, clears `busy` (under the lock).
    Batch takeRound(std::deque<RunExecutor::Context> &queue, bool &busy);

    std::shared_ptr<RunJournal> m_journal;
    QThreadPool &m_pool;
    std::mutex m_mutex;
    std::deque<RunExecutor::Context> m_claims;
    std::deque<RunExecutor::Context> m_finishes;
    bool m_claiming = false;  // a task is claiming what is queued
    bool m_finishing = false; // a worker is writing the ends queued
};

} // namespace jc
