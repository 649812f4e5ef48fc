#include "main/ManualRunPreview.h"

#include "data/DatabaseReader.h"
#include "engine/RunRecord.h"
#include "engine/Scheduler.h"
#include "jobs/PeriodRuns.h"
#include "jobs/RunSummaryText.h"

namespace jc {

ManualRunPreview::ManualRunPreview(Scheduler *scheduler, DatabaseReader *reader, QString job,
                                   QString user, QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_reader(reader)
    , m_job(std::move(job))
    , m_user(std::move(user))
{}

ManualRunPreview::~ManualRunPreview()
{
    if (m_run != 0 && !m_ended)
        m_scheduler->cancel(m_run, m_user);
}

void ManualRunPreview::start()
{
    connect(m_scheduler, &Scheduler::runProgress, this,
            [this](RunId run, qint64 done, qint64 total, const QString &) {
                if (run == m_run)
                    emit progressed(done, total);
            });
    connect(m_scheduler, &Scheduler::runFinished, this, &ManualRunPreview::onFinished);
    connect(m_scheduler, &Scheduler::runRefused, this,
            [this](const RunInfo &run, SkipReason, const QString &message) {
                if (run.id != m_run)
                    return;
                m_ended = true;
                emit unavailable(message);
            });
    const auto started = m_scheduler->runNow(
        m_job, RunRequest{true, m_user, tr("To see what Run now would do"), {}});
    if (!started) {
        m_ended = true;
        emit unavailable(started.error());
    } else if (started.value() == 0) {
        // Queued behind a run of the job: its figures would come only after that run.
        m_ended = true;
        emit unavailable(tr("\"%1\" is running: its dry run would wait for that run.").arg(m_job));
    } else {
        m_run = started.value();
    }
}

void ManualRunPreview::onFinished(const RunRecord &record)
{
    if (record.info.id != m_run || m_ended)
        return;
    m_ended = true;
    if (record.outcome != RunOutcome::Succeeded) {
        emit finished(tr("The dry run %1: %2")
                          .arg(toText(record.outcome),
                               record.error.isEmpty() ? tr("no reason given") : record.error),
                      false);
        return;
    }
    emit finished(RunSummaryText::of(m_job, record.summary, true), true);
    findEarlierRun(PeriodRuns::periodOf(record.summary));
}

void ManualRunPreview::findEarlierRun(const QString &period)
{
    if (period.isEmpty())
        return;
    using Found = Expected<std::optional<StoredRun>, QString>;
    m_reader->read<Found>(
        this,
        [database = m_reader->database(), job = m_job, period](ConnectionFactory &) {
            return PeriodRuns::doneBy(RunHistory(database), job, period);
        },
        [this, period](Found found) {
            if (!found)
                emit earlierRunUnknown(period, found.error());
            else if (found->has_value())
                emit alreadyDone(**found, period);
        });
}

} // namespace jc
