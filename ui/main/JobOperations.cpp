#include "main/JobOperations.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "engine/Clock.h"
#include "engine/Scheduler.h"
#include "models/JobOverview.h"
#include "storage/PauseStore.h"
#include "storage/SqlRunJournal.h"

namespace jc {

JobOperations::JobOperations(DatabaseReader *reader, Scheduler *scheduler, const Clock &clock,
                             QString user, QObject *parent)
    : QObject(parent)
    , m_reader(reader)
    , m_scheduler(scheduler)
    , m_clock(clock)
    , m_user(std::move(user))
{}

Expected<RunId, QString> JobOperations::runNow(const QString &job, bool dryRun,
                                               const QString &reason, const QDateTime &occurrence)
{
    if (!m_scheduler)
        return Unexpected(
            tr("This console only watches: it runs no jobs. Run \"%1\" from a console that "
               "runs jobs, or with `jobctl run`.")
                .arg(job));
    auto started = m_scheduler->runNow(job, RunRequest{dryRun, m_user, reason, occurrence});
    if (!started)
        return started;
    const QString what =
        occurrence.isValid()
            ? tr("\"%1\" for its occurrence of %2").arg(job, TimeDisplay::dateTime(occurrence))
            : tr("\"%1\"").arg(job);
    emit succeeded(started.value() == 0 ? tr("%1 is queued behind its running run.").arg(what)
                                        : tr("Started %1.").arg(what));
    return started;
}

void JobOperations::pause(const QString &job, const QString &reason,
                          const std::optional<QDateTime> &resumeAt)
{
    const qint64 now = m_clock.nowMSecs();
    auto database = m_reader->database();
    write(
        resumeAt ? tr("Paused \"%1\" until %2.").arg(job, TimeDisplay::dateTime(*resumeAt))
                 : tr("Paused \"%1\".").arg(job),
        [database, job, reason, resumeAt, now, user = m_user] {
            return PauseStore(database).pause(job, user, reason, resumeAt, now);
        },
        [this, job, reason, resumeAt] {
            if (m_scheduler)
                m_scheduler->pause(job, reason, m_user, resumeAt.value_or(QDateTime()));
        });
}

void JobOperations::resume(const QString &job)
{
    const qint64 now = m_clock.nowMSecs();
    auto database = m_reader->database();
    write(
        tr("Resumed \"%1\".").arg(job),
        [database, job, now, user = m_user]() -> Expected<void, QString> {
            // Not paused any more (someone else resumed it): the same end for this admin.
            if (const auto resumed = PauseStore(database).resume(job, user, now); !resumed)
                return Unexpected(resumed.error());
            return {};
        },
        [this, job] {
            if (m_scheduler)
                m_scheduler->resume(job);
        });
}

void JobOperations::cancel(const JobOverview &job)
{
    if (job.localRun && m_scheduler) {
        if (m_scheduler->cancel(job.localRun->id, m_user))
            emit cancelling(job.name);
        else
            emit failed(tr("\"%1\" is no longer running here.").arg(job.name));
        return;
    }
    if (!job.lastRun || job.lastRun->outcome != RunOutcome::Running || job.lastRun->id == 0) {
        emit failed(tr("\"%1\" is not running.").arg(job.name));
        return;
    }
    const qint64 runId = job.lastRun->id;
    const qint64 now = m_clock.nowMSecs();
    auto database = m_reader->database();
    write(tr("Asked %1 to cancel run %2 of \"%3\"; it stops within a few seconds.")
              .arg(job.lastRun->instanceId, QString::number(runId), job.name),
          [database, runId, now, user = m_user] {
              return SqlRunJournal(database).requestCancel(runId, user, now);
          });
}

void JobOperations::write(const QString &done, std::function<Expected<void, QString>()> work,
                          std::function<void()> then)
{
    m_reader->read<Expected<void, QString>>(
        this, [work = std::move(work)](ConnectionFactory &) { return work(); },
        [this, done, then = std::move(then)](Expected<void, QString> result) {
            if (!result) {
                emit failed(result.error());
                return;
            }
            if (then)
                then();
            emit succeeded(done);
        });
}

} // namespace jc
