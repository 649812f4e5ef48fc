#pragma once

#include "engine/EventTimeline.h"
#include "engine/RunExecutor.h"
#include "engine/RunInfo.h"
#include "engine/RunProgress.h"

#include <QList>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <vector>

class QThreadPool;

namespace jc {

class JournalBatcher;
class RunState;
struct SchedulerJob;

// The runs going on in one scheduler: each run's state and job, the timeline events that
// will time it out or give up on it, the thread pool the bodies run on, and the runs given up
// on whose bodies may still be going.
//
// Bodies that ignore their stop token are never waited for without end: once one of them was
// given up on, destruction leaves the pool (and its threads) to the process instead of waiting.
// Thread: the scheduler's; bodies run on the pool and report through the scheduler's mailbox.
class ActiveRuns
{
public:
    struct Run
    {
        std::shared_ptr<RunState> state;
        SchedulerJob *job = nullptr;
        std::optional<EventTimeline::Handle> timeout;
        std::optional<EventTimeline::Handle> abandon;

        // Lets go of its events without erasing them: the timeline was cleared (stop()). Every
        // handle above belongs here, or take() erases a freed node.
        void forgetEvents()
        {
            timeout.reset();
            abandon.reset();
        }
    };

    // Timeout and abandon events go on `timeline`, which must outlive this.
    ActiveRuns(EventTimeline &timeline, int maxThreads, std::chrono::milliseconds abandonGrace);
    ~ActiveRuns();
    ActiveRuns(const ActiveRuns &) = delete;
    ActiveRuns &operator=(const ActiveRuns &) = delete;

    // Adds run `id` of `job`, with its timeout (the job's policy, if any) from `now`.
    void add(RunId id, SchedulerJob &job, std::shared_ptr<RunState> state, qint64 now);
    // Runs the body of an added run on the pool; with a journal, once its claim succeeded, and
    // records how it ended (JournalBatcher: many runs per transaction).
    void launch(RunExecutor::Context context);
    // Gives the run `abandonGrace` from `now` to end, unless it already has a deadline.
    // Returns whether it set one.
    bool abandonLater(RunId id, qint64 now);
    // Takes a run off the table, its events off the timeline; none when it is not here.
    std::optional<Run> take(RunId id);
    // A run given up on whose body is still going: remembered so that it is never waited for.
    void keepAbandoned(std::shared_ptr<RunState> state);

    // Shutdown: drops every run's events (the timeline is being cleared), asks every body to
    // stop and waits for them up to `deadline`.
    void stopAll(std::chrono::milliseconds deadline);

    Run *find(RunId id);
    [[nodiscard]] bool empty() const { return m_runs.empty(); }
    [[nodiscard]] std::size_t size() const { return m_runs.size(); }
    [[nodiscard]] std::vector<RunId> ids() const;
    [[nodiscard]] std::vector<std::shared_ptr<RunState>> states() const;
    [[nodiscard]] QList<RunInfo> infos() const;
    [[nodiscard]] std::optional<RunProgress> progress(RunId id) const;

private:
    EventTimeline &m_timeline;
    std::chrono::milliseconds m_abandonGrace;
    std::map<RunId, Run> m_runs;
    // Before the pool: the pool is destroyed first, waiting for the tasks that use both.
    std::shared_ptr<JournalBatcher> m_batcher;
    std::unique_ptr<QThreadPool> m_pool;
    std::vector<std::shared_ptr<RunState>> m_abandoned;
};

} // namespace jc
