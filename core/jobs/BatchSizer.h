#pragma once

#include <chrono>

namespace jc {

// How many users the top-up's next batch takes (issue 19). Batches start at the batchSize
// setting and, while each takes less than the time target, grow towards it: at most twice the
// last size at a time, never below the setting and never above maxUsers. A slower batch
// shrinks the next one (see committed()); a batch that fails for good brings the size back to
// the setting's, so that the next one risks less. A target of zero keeps every batch at the
// setting's size.
//
// Why: each batch pays the same fixed costs (a transaction, its commit, eight statements). On
// MariaDB the top-up of 1M users took 1.65-1.70 times its floor (two set-based statements) in
// batches of 1,000, and 1.24-1.41 times with a 250 ms target (docs/BENCHMARKS.md, fifth pass).
// A time target keeps the row locks a batch holds (and the interval between progress reports
// and stop checks) about as long however fast the database is, and shrinks the batches again
// when it slows down.
//
// Plain value type; the run that owns it uses it on its own thread.
class BatchSizer
{
public:
    // The most users one batch takes: the work table and the audit ids' place in a batch are
    // sized for it (CreditTopUpSql, CreditTopUpStatements).
    static constexpr int maxUsers = 100000;

    BatchSizer(int first, std::chrono::milliseconds target);

    // Users the next batch takes.
    [[nodiscard]] int size() const { return m_size; }
    [[nodiscard]] bool adapts() const { return m_target.count() > 0; }
    // A batch of `users` committed after `took`.
    void committed(long long users, std::chrono::nanoseconds took);
    // A batch failed for good.
    void failed() { m_size = m_first; }
    // How many batches `users` more users take if every batch goes at the rate of those
    // committed so far (all of them: one slow or fast batch moves the estimate little): the
    // sizes this sizer would choose, from the next one on. Before the first commit (no rate
    // yet), and with no target, batches of size().
    [[nodiscard]] long long batchesFor(long long users) const;

private:
    // The size after a batch of `size` users that took `seconds`: the rule, for committed()
    // and for the estimate alike.
    [[nodiscard]] int sizeAfter(int size, double users, double seconds) const;

    int m_first;
    std::chrono::milliseconds m_target;
    int m_size;
    // What the committed batches took together: the estimate's rate.
    double m_committedUsers = 0;
    double m_committedSeconds = 0;
};

} // namespace jc
