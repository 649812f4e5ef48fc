#pragma once

#include <QThreadPool>

#include <utility>

namespace jc {

// How the threads of the library's pools — job bodies, the run journal's writes, a window's
// database reads — share the cores with the thread that started them when cores are short.
//
// A desktop console lowers them (desktopIncrement), so that its GUI thread, woken by input or a
// timer, gets a core at once instead of queueing behind its own background work: with 50 runs
// reporting progress on a 2-core machine the GUI thread's long turns were waits in the run
// queue, not work (docs/BENCHMARKS.md, "Console"). A headless scheduler leaves them as they are
// (the default): there is nothing for them to make way for.
//
// Linux: a nice increment per thread (setpriority() on the thread's id; Linux's niceness belongs
// to each thread). QThread::setPriority() cannot do it: under SCHED_OTHER Qt maps every priority
// but Idle to no change, and SCHED_IDLE would starve the work on a busy machine. Elsewhere:
// nothing. A thread once lowered stays lowered (raising it back needs a privilege), which a
// pool's threads, that only ever run the pool's work, never need.
class BackgroundPriority
{
public:
    // What jobconsole sets: such threads get about a third of a core's share against a thread
    // at the normal niceness (nice 5: weight 335 against 1,024), all of an idle core.
    static constexpr int desktopIncrement = 5;

    // Niceness added to the process's own (taken now, from the calling thread) for the pool
    // threads; 0 (the default) leaves them alone. Call before the pools start work. Any thread.
    static void setNiceIncrement(int increment);
    [[nodiscard]] static int niceIncrement();

    // Starts `work` on `pool`, on a thread lowered first (applyToCurrentThread): how the
    // library's pools start all their work, so that no pool can forget it.
    template <typename Work> static void start(QThreadPool &pool, Work work)
    {
        pool.start([work = std::move(work)]() mutable {
            applyToCurrentThread();
            work();
        });
    }

    // Lowers the calling thread to the process's niceness plus the increment, when one is set
    // and the thread is not that low yet; once per thread. start() calls it before each piece
    // of work, never on the thread that started it.
    static void applyToCurrentThread();

    // The calling thread's niceness (0 where it cannot be read).
    [[nodiscard]] static int currentThreadNiceness();
};

} // namespace jc
