#include "engine/ActiveRuns.h"

#include "common/BackgroundPriority.h"
#include "common/LogCategories.h"
#include "engine/JournalBatcher.h"
#include "engine/RunState.h"
#include "engine/SchedulerJob.h"

#include <QThreadPool>

#include <algorithm>
#include <climits>

namespace jc {

ActiveRuns::ActiveRuns(EventTimeline &timeline, int maxThreads,
                       std::chrono::milliseconds abandonGrace)
    : m_timeline(timeline)
    , m_abandonGrace(abandonGrace)
    , m_pool(std::make_unique<QThreadPool>())
{
    m_pool->setMaxThreadCount(std::max(1, maxThreads));
}

ActiveRuns::~ActiveRuns()
{
    const bool bodiesStillGoing = std::any_of(m_abandoned.cbegin(), m_abandoned.cend(),
                                              [](const auto &run) { return !run->isFinished(); });
    if (bodiesStillGoing) {
        // Destroying the pool would wait for bodies that ignore their stop token, for ever.
        // Leaving it allocated lets the process exit; the threads die with it.
        qCWarning(lcScheduler) << "Leaving" << m_abandoned.size()
                               << "abandoned job bodies running; their thread pool is not freed";
        (void)m_pool.release();
    }
}

void ActiveRuns::add(RunId id, SchedulerJob &job, std::shared_ptr<RunState> state, qint64 now)
{
    Run run{std::move(state), &job, std::nullopt, std::nullopt};
    if (const auto timeout = job.definition.policies.timeout; timeout.count() > 0)
        run.timeout =
            m_timeline.add(now + timeout.count(), {EventTimeline::Kind::Timeout, &job, id, {}});
    m_runs.emplace(id, std::move(run));
}

void ActiveRuns::launch(RunExecutor::Context context)
{
    if (!context.journal) {
        BackgroundPriority::start(
            *m_pool, [context = std::move(context)] { RunExecutor::execute(context); });
        return;
    }
    if (!m_batcher || m_batcher->journal() != context.journal)
        m_batcher = std::make_shared<JournalBatcher>(context.journal, *m_pool);
    m_batcher->claim(std::move(context));
}

bool ActiveRuns::abandonLater(RunId id, qint64 now)
{
    Run *run = find(id);
    if (!run || run->abandon)
        return false;
    run->abandon = m_timeline.add(now + m_abandonGrace.count(),
                                  {EventTimeline::Kind::Abandon, run->job, id, {}});
    return true;
}

std::optional<ActiveRuns::Run> ActiveRuns::take(RunId id)
{
    auto node = m_runs.extract(id);
    if (node.empty())
        return std::nullopt;
    Run run = std::move(node.mapped());
    m_timeline.erase(run.timeout);
    m_timeline.erase(run.abandon);
    return run;
}

void ActiveRuns::keepAbandoned(std::shared_ptr<RunState> state)
{
    m_abandoned.push_back(std::move(state));
}

void ActiveRuns::stopAll(std::chrono::milliseconds deadline)
{
    for (auto &[id, run] : m_runs) {
        run.forgetEvents();
        run.state->stopSource().requestStop(StopReason::Shutdown);
    }
    m_pool->waitForDone(static_cast<int>(std::clamp<qint64>(deadline.count(), 0, INT_MAX)));
}

ActiveRuns::Run *ActiveRuns::find(RunId id)
{
    const auto it = m_runs.find(id);
    return it == m_runs.end() ? nullptr : &it->second;
}

std::vector<RunId> ActiveRuns::ids() const
{
    std::vector<RunId> ids;
    ids.reserve(m_runs.size());
    for (const auto &entry : m_runs)
        ids.push_back(entry.first);
    return ids;
}

std::vector<std::shared_ptr<RunState>> ActiveRuns::states() const
{
    std::vector<std::shared_ptr<RunState>> states;
    states.reserve(m_runs.size());
    for (const auto &entry : m_runs)
        states.push_back(entry.second.state);
    return states;
}

QList<RunInfo> ActiveRuns::infos() const
{
    QList<RunInfo> infos;
    for (const auto &entry : m_runs)
        infos.append(entry.second.state->info());
    return infos;
}

std::optional<RunProgress> ActiveRuns::progress(RunId id) const
{
    const auto it = m_runs.find(id);
    if (it == m_runs.end())
        return std::nullopt;
    return it->second.state->progress();
}

} // namespace jc
