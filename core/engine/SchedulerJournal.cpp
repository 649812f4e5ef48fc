#include "engine/SchedulerJournal.h"

#include "common/BackgroundPriority.h"
#include "common/LogCategories.h"
#include "common/LogFields.h"
#include "engine/RunState.h"

#include <algorithm>

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
    // Writes already queued are worth finishing, and so is what the database could not take
    // before (an empty piece of work tries it first: the database may be back since the last
    // write); a dead database must not hang shutdown.
    submit([] {});
    if (!m_pool.waitForDone(10000)) {
        qCWarning(lcScheduler) << "Gave up waiting for the journal's last writes after 10 s";
        return; // the work still runs (m_pool's destructor waits): m_unrecorded is its own
    }
    if (!m_unrecorded.empty() || m_droppedUnrecorded > 0) {
        qCWarning(lcScheduler).noquote() << LogFields::format(
            QStringLiteral("Stopped with skipped occurrences the database never took"),
            {{QStringLiteral("unrecorded"), qint64(m_unrecorded.size() + m_droppedUnrecorded)}});
    }
}

void SchedulerJournal::submit(std::function<void()> work)
{
    BackgroundPriority::start(m_pool, [this, work = std::move(work)] {
        recordUnrecorded();
        work();
    });
}

void SchedulerJournal::recordUnrecorded()
{
    if (m_unrecorded.empty())
        return;
    qint64 recorded = 0;
    while (!m_unrecorded.empty()) {
        const auto done = m_journal->recordSkipped(m_unrecorded.front());
        if (!done)
            break; // still unreachable: the next piece of work tries again
        if (*done == RunJournal::SkipRecord::PauseEnded)
            notePauseEnded(m_unrecorded.front());
        else
            ++recorded;
        m_unrecorded.pop_front();
    }
    if (recorded > 0) {
        qCInfo(lcScheduler).noquote() << LogFields::format(
            QStringLiteral("Recorded skipped occurrences the database could not take before"),
            {{QStringLiteral("recorded"), recorded},
             {QStringLiteral("left"), qint64(m_unrecorded.size())}});
    }
}

void SchedulerJournal::keepUnrecorded(RunJournal::Skipped skipped)
{
    if (m_unrecorded.size() >= maxUnrecorded) {
        m_unrecorded.pop_front();
        ++m_droppedUnrecorded;
    }
    m_unrecorded.push_back(std::move(skipped));
}

void SchedulerJournal::recordSkipped(RunJournal::Skipped skipped)
{
    submit([this, skipped = std::move(skipped)]() mutable {
        if (!m_unrecorded.empty()) { // behind older ones: keeps history in order
            keepUnrecorded(std::move(skipped));
            return;
        }
        const auto done = m_journal->recordSkipped(skipped);
        if (!done) {
            warn(QStringLiteral("Could not record a skipped occurrence of \"%1\"; kept to be "
                                "recorded when the database is back")
                     .arg(skipped.job),
                 done.error());
            keepUnrecorded(std::move(skipped));
        } else if (*done == RunJournal::SkipRecord::PauseEnded) {
            notePauseEnded(skipped);
        }
    });
}

void SchedulerJournal::notePauseEnded(const RunJournal::Skipped &skipped)
{
    if (m_onPauseEnded)
        m_onPauseEnded(skipped.job, skipped.occurrenceMSecs);
}

void SchedulerJournal::recordAbandoned(std::shared_ptr<RunState> run, RunRecord record)
{
    if (run->storedRunId() == 0)
        return; // never claimed: nothing in the journal to close
    submit([journal = m_journal, run = std::move(run), record = std::move(record)] {
        int firstSeq = 0;
        const QList<LogLine> unwritten = run->unconfirmedLog(&firstSeq);
        if (const auto done = journal->finish(run->storedRunId(), record, unwritten, firstSeq);
            !done)
            warn(QStringLiteral("Could not record an abandoned run"), done.error());
    });
}

void SchedulerJournal::keepEnd(const std::shared_ptr<RunState> &run, RunRecord record)
{
    if (run->storedRunId() == 0)
        return; // never claimed: no row
    RunJournal::Finish end;
    end.storedRunId = run->storedRunId();
    end.unwrittenLog = run->unconfirmedLog(&end.firstLogSeq);
    end.record = std::move(record);
    end.record.journalError.clear();
    submit([this, end = std::move(end)]() mutable {
        if (m_unrecordedEnds.size() >= maxUnrecorded)
            m_unrecordedEnds.pop_front();
        m_unrecordedEnds.push_back(std::move(end));
    });
}

void SchedulerJournal::recordUnrecordedEnds(bool reachable)
{
    for (auto it = m_unrecordedEnds.begin(); it != m_unrecordedEnds.end();) {
        const RunJournal::Finish &end = *it;
        const auto done =
            m_journal->finish(end.storedRunId, end.record, end.unwrittenLog, end.firstLogSeq);
        if (done) {
            qCInfo(lcScheduler).noquote() << LogFields::format(
                QStringLiteral("Recorded how a run ended, which the database could not take "
                               "then"),
                {{QStringLiteral("runId"), end.storedRunId},
                 {QStringLiteral("outcome"), toText(end.record.outcome)},
                 {QStringLiteral("job"), end.record.info.job}});
        } else if (reachable) {
            warn(QStringLiteral("Gave up recording how run %1 ended").arg(end.storedRunId),
                 done.error());
        } else {
            ++it; // still unreachable: the next heartbeat tries again
            continue;
        }
        it = m_unrecordedEnds.erase(it);
    }
}

// The runs of `runs` claimed and not ended, in the journal's id order (every write of several
// runs' rows takes them in that order, so that two of them never wait for each other on a
// server's row locks), with what is not in the journal yet: the lines not confirmed, and the
// progress when `changedOnly` says it changed (a live pass) or always (a heartbeat).
SchedulerJournal::Live
SchedulerJournal::liveRuns(const std::vector<std::shared_ptr<RunState>> &runs, bool changedOnly)
{
    Live live;
    for (const auto &run : runs) {
        if (run->storedRunId() != 0 && !run->isFinished())
            live.states.push_back(run);
    }
    std::sort(live.states.begin(), live.states.end(),
              [](const auto &a, const auto &b) { return a->storedRunId() < b->storedRunId(); });
    for (const auto &run : live.states) {
        RunJournal::LiveRun entry;
        entry.storedRunId = run->storedRunId();
        entry.progressChanged = run->takeProgressUnshared() || !changedOnly;
        entry.progress = run->progress();
        entry.newLogLines = run->unconfirmedLog(&entry.firstLogSeq);
        live.runs.append(entry);
    }
    return live;
}

// After a write: the lines of the runs it wrote (all: nullopt) are confirmed; the others'
// changed progress is left to the next pass.
void SchedulerJournal::settle(const Live &live, const std::optional<QSet<qint64>> &written)
{
    for (std::size_t i = 0; i < live.states.size(); ++i) {
        const RunJournal::LiveRun &entry = live.runs.at(qsizetype(i));
        if (!written || written->contains(entry.storedRunId))
            live.states[i]->confirmLog(entry.firstLogSeq + int(entry.newLogLines.size()));
        else if (entry.progressChanged)
            live.states[i]->keepProgressUnshared();
    }
}

std::shared_ptr<RunState>
SchedulerJournal::runWithId(const std::vector<std::shared_ptr<RunState>> &runs, qint64 id)
{
    const auto found = std::find_if(runs.cbegin(), runs.cend(),
                                    [id](const auto &run) { return run->storedRunId() == id; });
    return found == runs.cend() ? nullptr : *found;
}

void SchedulerJournal::heartbeat(std::vector<std::shared_ptr<RunState>> runs, qint64 nowMSecs,
                                 std::optional<qint64> unfinishedSince)
{
    // `this` for noteLeaseRenewal: m_pool, whose destructor waits for this work, goes first.
    submit([this, journal = m_journal, runs = std::move(runs), nowMSecs, instance = m_instanceId,
            lease = m_leaseMSecs, unfinishedSince] {
        bool ok = true;
        const Live live = liveRuns(runs, false);
        if (!live.runs.isEmpty()) {
            const auto reply = journal->heartbeat(live.runs, nowMSecs, instance);
            ok = reply.hasValue();
            settle(live, reply ? std::nullopt : std::optional(QSet<qint64>()));
            m_repeatedFailures.note(
                lcScheduler(),
                QStringLiteral("Heartbeat failed; other instances may take these runs "
                               "for dead if it keeps failing"),
                reply ? std::nullopt : std::optional(reply.error()), nowMSecs);
            for (const qint64 id : reply ? reply->cancelRequested : QList<qint64>()) {
                if (const auto run = runWithId(live.states, id))
                    run->stopSource().requestStop(StopReason::Cancelled);
            }
            for (const auto &lost :
                 reply ? reply->lost : QList<RunJournal::HeartbeatReply::Lost>()) {
                if (const auto run = runWithId(live.states, lost.storedRunId))
                    run->loseLease(lost.why);
            }
        }
        const auto swept = journal->interruptStale(nowMSecs, lease, {});
        m_repeatedFailures.note(lcScheduler(),
                                QStringLiteral("Could not check for runs of dead instances"),
                                swept ? std::nullopt : std::optional(swept.error()), nowMSecs);
        recordUnrecordedEnds(ok && swept.hasValue());
        noteLeaseRenewal(nowMSecs, ok && swept.hasValue());
        if (unfinishedSince && swept && m_onUnfinished)
            findUnfinished(*unfinishedSince, nowMSecs, lease, instance);
    });
}

// On the journal's thread, after a sweep that got through.
void SchedulerJournal::findUnfinished(qint64 sinceMSecs, qint64 nowMSecs, qint64 leaseMSecs,
                                      const QString &instanceId)
{
    const auto found = m_journal->unfinishedSince(sinceMSecs, nowMSecs, leaseMSecs, instanceId);
    if (!found)
        warn(QStringLiteral("Could not look for unfinished occurrences to catch up"),
             found.error());
    else if (!found->isEmpty())
        m_onUnfinished(*found);
}

void SchedulerJournal::shareLive(std::vector<std::shared_ptr<RunState>> runs, qint64 nowMSecs)
{
    if (const auto renewal = lastLeaseRenewal(); renewal && !renewal->ok)
        return;
    if (m_shareQueued.exchange(true))
        return;
    // `this` for m_shareQueued: m_pool, whose destructor waits for this work, goes first.
    submit([this, journal = m_journal, runs = std::move(runs), nowMSecs, instance = m_instanceId] {
        m_shareQueued.store(false);
        const Live live = liveRuns(runs, true);
        if (live.runs.isEmpty())
            return;
        const auto reply = journal->shareLive(live.runs, nowMSecs, instance);
        settle(live, reply ? reply->shared : QSet<qint64>());
        const QString error = reply ? reply->writeError : reply.error();
        if (!error.isEmpty())
            qCDebug(lcScheduler).noquote()
                << LogFields::format(QStringLiteral("Could not share the running runs' news; "
                                                    "the next pass or heartbeat writes it"),
                                     {{QStringLiteral("error"), error}});
        for (const qint64 id : reply ? reply->cancelRequested : QList<qint64>()) {
            if (const auto run = runWithId(live.states, id))
                run->stopSource().requestStop(StopReason::Cancelled);
        }
    });
}

void SchedulerJournal::noteLeaseRenewal(qint64 nowMSecs, bool ok)
{
    const std::lock_guard lock(m_renewalMutex);
    const qint64 renewedAt = ok ? nowMSecs : (m_renewal ? m_renewal->renewedAtMSecs : 0);
    m_renewal = LeaseRenewal{nowMSecs, ok, renewedAt};
}

std::optional<LeaseRenewal> SchedulerJournal::lastLeaseRenewal() const
{
    const std::lock_guard lock(m_renewalMutex);
    return m_renewal;
}

bool SchedulerJournal::waitForIdle(int msecs)
{
    return m_pool.waitForDone(msecs);
}

} // namespace jc
