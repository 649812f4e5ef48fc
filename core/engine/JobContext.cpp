#include "engine/JobContext.h"

#include "engine/RunState.h"
#include "engine/SystemClock.h"

namespace jc {

JobContext::JobContext(const std::shared_ptr<RunState> &run, const QLoggingCategory &category)
    : m_run(run)
    , m_logger(run, category)
{}

const RunInfo &JobContext::run() const
{
    return m_run->info();
}

StopToken JobContext::stopToken() const
{
    return m_run->stopSource().token();
}

bool JobContext::isStopRequested() const
{
    return m_run->stopSource().isStopRequested();
}

bool JobContext::sleepFor(std::chrono::milliseconds duration) const
{
    return stopToken().sleepFor(duration);
}

void JobContext::setProgress(qint64 done, qint64 total, const QString &text)
{
    m_run->setProgress(RunProgress::sanitized(done, total, text));
}

QDateTime JobContext::startedAt() const
{
    if (run().startedAt.isValid())
        return run().startedAt.toUTC();
    if (run().occurrence.isValid())
        return run().occurrence.toUTC();
    return SystemClock::wallTime();
}

} // namespace jc
