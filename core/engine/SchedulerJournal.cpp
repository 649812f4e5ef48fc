#include "engine/SchedulerJournal.h"

#include "common/LogCategories.h"
#include "common/LogFields.h"
#include "engine/RunState.h"

namespace jc {

namespace {

void warn(const QString &message, const QString &error)
{
    qCWarning(lcScheduler).noquote()
        << LogFields::format(message, {{QStringLiteral("error"), error}});
}

} // namespace

SchedulerJournal::SchedulerJournal(std::shared_ptr<RunJournal> journal, QString instanceId,
                                   qint64 leaseMSecs)
    : m_journal(std::move(journal))
    , m_instanceId(std::move(instanceId))
    , m_leaseMSecs(leaseMSecs)
{
    m_pool.setMaxThreadCount(1);
}

SchedulerJournal::~SchedulerJournal()
{
    // Writes already queued are worth finishing; a dead database must not hang shutdown.
    if (!m_pool.waitForDone(10000))
        qCWarning(lcScheduler) << "Gave up waiting for the journal's last writes after 10 s";
}

void SchedulerJournal::submit(std::function<void()> work)
{
    m_pool.start(std::move(work));
}

void SchedulerJournal::recordSkipped(RunJournal::Skipped skipped)
{
    submit([journal = m_journal, skipped = std::move(skipped)] {
        if (const auto done = journal->recordSkipped(skipped); !done)
            warn(QStringLiteral("Could not record a skipped occurrence of \"%1\"").arg(skipped.job),
                 done.error());
    });
}

void SchedulerJournal::recordAbandoned(std::shared_ptr<RunState> run, RunRecord record)
{
    if (run->storedRunId() == 0)
        return; // never claimed: nothing in the journal to close
    submit([journal = m_journal, run = std::move(run), record = std::move(record)] {
        int firstSeq = 0;
        const QList<LogLine> unwritten = run->takeUnwrittenLog(&firstSeq);
        if (const auto done = journal->finish(run->storedRunId(), record, unwritten, firstSeq);
            !done)
            warn(QStringLiteral("Could not record an abandoned run"), done.error());
    });
}

void SchedulerJournal::heartbeat(std::vector<std::shared_ptr<RunState>> runs, qint64 nowMSecs)
{
    submit([journal = m_journal, runs = std::move(runs), nowMSecs, instance = m_instanceId,
            lease = m_leaseMSecs] {
        QList<RunJournal::LiveRun> live;
        for (const auto &run : runs) {
            if (run->storedRunId() == 0 || run->isFinished())
                continue;
            RunJournal::LiveRun entry;
            entry.storedRunId = run->storedRunId();
            entry.progress = run->progress();
            entry.newLogLines = run->takeUnwrittenLog(&entry.firstLogSeq);
            live.append(entry);
        }
        if (!live.isEmpty()) {
            const auto cancelled = journal->heartbeat(live, nowMSecs, instance);
            if (!cancelled)
                warn(QStringLiteral("Heartbeat failed; other instances may take these runs for "
                                    "dead if it keeps failing"),
                     cancelled.error());
            for (const qint64 id : cancelled ? cancelled.value() : QList<qint64>()) {
                for (const auto &run : runs) {
                    if (run->storedRunId() == id)
                        run->stopSource().requestStop(StopReason::Cancelled);
                }
            }
        }
        if (const auto swept = journal->interruptStale(nowMSecs, lease, {}); !swept)
            warn(QStringLiteral("Could not check for runs of dead instances"), swept.error());
    });
}

bool SchedulerJournal::waitForIdle(int msecs)
{
    return m_pool.waitForDone(msecs);
}

} // namespace jc
