#include "engine/RunSupervisor.h"

#include "common/LogCategories.h"
#include "common/LogFields.h"
#include "engine/Clock.h"
#include "engine/RunExecutor.h"
#include "engine/RunState.h"
#include "engine/SchedulerJob.h"
#include "engine/SchedulerJournal.h"
#include "engine/SchedulerMailbox.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSysInfo>

namespace jc {

// This instance's name in the database defaults to host:pid.
RunSupervisor::Settings RunSupervisor::withInstanceId(Settings settings)
{
    if (settings.instanceId.isEmpty())
        settings.instanceId = QSysInfo::machineHostName() + u':' +
                              QString::number(QCoreApplication::applicationPid());
    return settings;
}

RunSupervisor::RunSupervisor(Clock &clock, EventTimeline &timeline, const Settings &settings,
                             QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_timeline(timeline)
    , m_settings(withInstanceId(settings))
    , m_runs(timeline, settings.maxThreads, settings.abandonGrace)
    , m_mailbox(
          std::make_shared<SchedulerMailbox>(this, clock, [this](RunId run) { onNotified(run); }))
    , m_randomState(settings.jitterSeed ? settings.jitterSeed
                                        : QRandomGenerator::global()->generate())
{}

RunSupervisor::~RunSupervisor()
{
    m_mailbox->close();
}

void RunSupervisor::setAccepting(bool retries, bool queuedRuns)
{
    m_retries = retries;
    m_queuedRuns = queuedRuns;
}

RunId RunSupervisor::start(SchedulerJob &job, const PendingRun &pending)
{
    const RunId id = ++m_lastRunId;
    const qint64 now = m_clock.nowMSecs();
    RunInfo info{id,
                 job.definition.name,
                 pending.trigger,
                 utcDateTime(pending.occurrence),
                 utcDateTime(now),
                 pending.attempt,
                 pending.request.dryRun,
                 pending.request.requestedBy,
                 pending.request.reason,
                 job.definition.schedule.zone(),
                 m_settings.instanceId};
    auto state = std::make_shared<RunState>(info, m_mailbox, job.definition.policies.timeout);
    m_runs.add(id, job, state, now);
    ++job.running;

    // "Executing job" is logged by the worker once the claim succeeded (RunExecutor): only then
    // does the body run, and only then is the run's id (the journal's) known.
    emit runStarted(info);
    m_runs.launch(RunExecutor::Context{
        state, job.definition.body, job.log, m_journal ? m_journal->journal() : nullptr,
        job.definition.policies.overlap, m_settings.leaseMSecs, m_settings.instanceId,
        m_settings.holder, m_settings.sessionLock});
    shareLiveLater();
    emit timelineChanged();
    return id;
}

bool RunSupervisor::cancel(RunId run, const QString &requestedBy)
{
    const ActiveRuns::Run *active = m_runs.find(run);
    if (!active)
        return false;
    if (active->state->requestCancel(requestedBy)) {
        QVariantMap fields{{QStringLiteral("runId"), active->state->shownId()}};
        if (!requestedBy.isEmpty())
            fields.insert(QStringLiteral("by"), requestedBy);
        active->job->logLine(QtInfoMsg, QStringLiteral("Cancel requested"), fields);
    }
    if (m_runs.abandonLater(run, m_clock.nowMSecs()))
        emit timelineChanged();
    return true;
}

void RunSupervisor::timeOut(RunId run, qint64 now)
{
    ActiveRuns::Run *active = m_runs.find(run);
    if (!active)
        return;
    active->timeout.reset(); // its event was just taken off the timeline
    if (active->state->stopSource().requestStop(StopReason::TimedOut))
        active->job->logLine(
            QtWarningMsg, QStringLiteral("Job timed out; asking it to stop"),
            {{QStringLiteral("runId"), active->state->shownId()},
             {QStringLiteral("timeout"),
              LogFields::seconds(active->job->definition.policies.timeout.count())}});
    m_runs.abandonLater(run, now);
}

void RunSupervisor::giveUpOn(RunId run)
{
    ActiveRuns::Run *active = m_runs.find(run);
    if (!active)
        return;
    active->abandon.reset(); // its event was just taken off the timeline
    if (active->state->isFinished()) {
        finish(run);
        return;
    }
    finish(run, RunOutcome::Abandoned,
           QStringLiteral("Did not stop within %1 of being asked to; abandoned (its thread "
                          "may still be busy)")
               .arg(LogFields::seconds(m_settings.abandonGrace.count())));
}

StopReport RunSupervisor::stopAll(std::chrono::milliseconds deadline)
{
    StopReport report;
    m_runs.stopAll(deadline);
    m_shareLiveSet = false; // the timeline was cleared
    for (RunId id : m_runs.ids()) {
        const ActiveRuns::Run *active = m_runs.find(id);
        if (active->state->isFinished()) {
            ++report.finished;
            finish(id);
        } else {
            report.abandoned.append(active->state->info());
            finish(id, RunOutcome::Abandoned,
                   QStringLiteral("Still running %1 after shutdown began; abandoned")
                       .arg(LogFields::seconds(deadline.count())));
        }
    }
    return report;
}

void RunSupervisor::onNotified(RunId run)
{
    ActiveRuns::Run *active = m_runs.find(run);
    if (!active)
        return; // already recorded (abandoned, or finished during stopAll())
    const auto state = active->state;
    if (state->takeProgressChanged()) {
        const RunProgress progress = state->progress();
        emit runProgress(run, progress.done, progress.total, progress.text);
    }
    if (state->isFinished())
        finish(run);
}

// A console watching from elsewhere reads this instance's runs from the journal, and an admin
// there cancels them through it: while runs go on, a live pass every liveShareInterval writes
// their news and reads the cancel requests, not only the heartbeat (every 15 s, when a top-up
// of a million users may be half done, and a cancel would wait as long). One event for all the
// runs, and none while nothing runs: an idle scheduler is not woken for it.
void RunSupervisor::shareLiveLater()
{
    const auto interval = m_settings.liveShareInterval;
    if (!m_journal || interval.count() <= 0 || m_shareLiveSet)
        return;
    m_timeline.add(m_clock.nowMSecs() + interval.count(),
                   {EventTimeline::Kind::ShareLive, nullptr, 0, {}});
    m_shareLiveSet = true;
}

void RunSupervisor::shareLive()
{
    m_shareLiveSet = false; // its event was just taken off the timeline
    if (!m_journal || m_runs.empty())
        return;
    m_journal->shareLive(m_runs.states(), m_clock.nowMSecs());
    shareLiveLater();
}

// `forced`: the outcome of a run given up on (its body may still be going).
void RunSupervisor::finish(RunId run, std::optional<RunOutcome> forced, const QString &forcedError)
{
    const auto taken = m_runs.take(run);
    if (!taken)
        return;
    const ActiveRuns::Run &active = *taken;
    if (!forced && finishRefused(active))
        return;
    RunRecord record;
    if (forced)
        record = active.state->recordWithoutResult(*forced, forcedError);
    else if (const auto refusal = active.state->refusal()) // the journal failed: no body ran
        record = active.state->recordWithoutResult(RunOutcome::Failed, refusal->message);
    else
        record = active.state->record();
    if (forced && !active.state->isFinished()) {
        m_runs.keepAbandoned(active.state);
        if (m_journal)
            m_journal->recordAbandoned(active.state, record);
    } else if (!record.journalError.isEmpty() && m_journal) {
        m_journal->keepEnd(active.state, record);
    }
    SchedulerJob &job = *active.job;
    // A claim that could not reach the database: no body ran and no row holds it, and
    // recordUnclaimed says so ("Run not started"); "Job execution failed runId=<this process's
    // own count>" would name a run that exists nowhere.
    keepBooks(job, run, record, !forced && active.state->refusal().has_value());
    emit runFinished(record);
    const bool retrying = scheduleRetry(job, record);
    recordUnclaimed(job, active, retrying);
    startQueued(job);
    emit timelineChanged();
}

// The job's bookkeeping and log line (not for a run whose claim failed) for a run that ended.
void RunSupervisor::keepBooks(SchedulerJob &job, RunId run, const RunRecord &record,
                              bool claimFailed)
{
    --job.running;
    job.lastOutcome = record.outcome;
    job.lastFinishedAt = record.finishedAt.toMSecsSinceEpoch();
    if (record.outcome == RunOutcome::Succeeded)
        job.lastSuccessAt = job.lastFinishedAt;
    if (claimFailed)
        return;
    QVariantMap fields{
        {QStringLiteral("runId"), record.storedRunId != 0 ? record.storedRunId : run},
        {QStringLiteral("duration"), LogFields::seconds(record.durationMSecs())}};
    if (record.outcome == RunOutcome::Succeeded) {
        job.logLine(QtInfoMsg, QStringLiteral("Job completed successfully"), fields);
        return;
    }
    fields.insert(QStringLiteral("outcome"), toText(record.outcome));
    fields.insert(QStringLiteral("error"), record.error);
    job.logLine(QtWarningMsg, QStringLiteral("Job execution failed"), fields);
}

// A run whose claim the journal refused ends here without a record of its own: another
// instance has the occurrence, or was running the job, and the journal already says so.
bool RunSupervisor::finishRefused(const ActiveRuns::Run &active)
{
    const auto refusal = active.state->refusal();
    if (!refusal || refusal->kind == RunState::Refusal::Kind::StorageFailed)
        return false;
    SchedulerJob &job = *active.job;
    --job.running;
    const SkipReason reason = skipReasonOf(refusal->kind);
    if (refusal->kind == RunState::Refusal::Kind::PausedElsewhere)
        holdForResume(job, active.state->info());
    job.logLine(QtInfoMsg, QStringLiteral("Run not started"),
                {{QStringLiteral("occurrence"), active.state->info().occurrence},
                 {QStringLiteral("reason"), refusal->message}});
    emit occurrenceSkipped(job.definition.name, active.state->info().occurrence, reason, 1);
    emit runRefused(active.state->info(), reason, refusal->message);
    startQueued(job);
    emit timelineChanged();
    return true;
}

SkipReason RunSupervisor::skipReasonOf(RunState::Refusal::Kind kind)
{
    switch (kind) {
    case RunState::Refusal::Kind::ClaimedElsewhere:
        return SkipReason::ClaimedElsewhere;
    case RunState::Refusal::Kind::PausedElsewhere:
        return SkipReason::Paused;
    case RunState::Refusal::Kind::BusyElsewhere:
    case RunState::Refusal::Kind::StorageFailed:
        break;
    }
    return SkipReason::Overlap;
}

// The journal refused the run because the job is paused there (this instance has not heard of
// the pause yet): what the resume will then do, as for a run refused by a pause known here. A
// retry is held (Scheduler::handleRetry); a scheduled occurrence is the latest one missed while
// paused, which the resume catches up when the policy says so.
void RunSupervisor::holdForResume(SchedulerJob &job, const RunInfo &info)
{
    const qint64 occurrence = info.occurrence.toMSecsSinceEpoch();
    if (info.trigger == RunTrigger::Retry)
        job.holdRetry(PendingRun{occurrence, RunTrigger::Retry, info.attempt,
                                 RunRequest{info.dryRun, info.requestedBy, info.reason}});
    else if (info.trigger == RunTrigger::Scheduled || info.trigger == RunTrigger::CatchUp)
        job.missedWhilePaused = std::max(job.missedWhilePaused.value_or(occurrence), occurrence);
}

// Whether a retry was scheduled: never at or past the job's next occurrence, which is the
// better retry.
bool RunSupervisor::scheduleRetry(SchedulerJob &job, const RunRecord &record)
{
    if (!m_retries)
        return false;
    const RetryPolicy &policy = job.definition.policies.retry;
    const auto attempt = policy.nextAttempt(record.outcome, record.info.attempt);
    if (!attempt)
        return false;
    const qint64 at = m_clock.nowMSecs() + policy.delayBefore(*attempt, nextUnitRandom()).count();
    if (job.nextDue && at >= *job.nextDue) {
        job.logLine(QtInfoMsg, QStringLiteral("No retry: the next occurrence comes first"),
                    {{QStringLiteral("nextRun"), utcDateTime(job.nextDue)}});
        return false;
    }
    PendingRun pending{record.info.occurrence.toMSecsSinceEpoch(), RunTrigger::Retry, *attempt,
                       RunRequest{record.info.dryRun, record.info.requestedBy, record.info.reason}};
    m_timeline.add(at, {EventTimeline::Kind::Retry, &job, 0, pending});
    job.logLine(QtInfoMsg, QStringLiteral("Retry scheduled"),
                {{QStringLiteral("attempt"), *attempt}, {QStringLiteral("at"), utcDateTime(at)}});
    return true;
}

// A scheduled occurrence whose claim failed because the database was unreachable has no row
// (the claim is the row); unless it is retried, it is recorded missed, under its own key,
// when the database is back (SchedulerJournal keeps it until then). An instance that did
// claim it meanwhile keeps its row. A manual run's failure was told to whoever asked.
void RunSupervisor::recordUnclaimed(SchedulerJob &job, const ActiveRuns::Run &active, bool retrying)
{
    const auto refusal = active.state->refusal();
    const RunInfo &info = active.state->info();
    if (!refusal || refusal->kind != RunState::Refusal::Kind::StorageFailed)
        return;
    // No "Executing job" line was logged (the claim failed): this one says the body never ran.
    job.logLine(QtInfoMsg, QStringLiteral("Run not started"),
                {{QStringLiteral("occurrence"), info.occurrence},
                 {QStringLiteral("reason"), refusal->message}});
    if (retrying || info.trigger == RunTrigger::Manual || info.trigger == RunTrigger::Backfill)
        return;
    emit occurrenceNotRun(
        &job, info.occurrence.toMSecsSinceEpoch(), SkipReason::DatabaseUnavailable,
        QStringLiteral("Not run: the database could not be reached to claim it (%1)")
            .arg(refusal->message));
}

void RunSupervisor::startQueued(SchedulerJob &job)
{
    if (!job.queued || job.running > 0)
        return;
    if (!m_queuedRuns) {
        job.queued.reset();
        return;
    }
    const PendingRun pending = *job.queued;
    job.queued.reset();
    start(job, pending);
}

double RunSupervisor::nextUnitRandom()
{
    // xorshift32: reproducible with a jitter seed, good enough to spread retries.
    m_randomState ^= m_randomState << 13;
    m_randomState ^= m_randomState >> 17;
    m_randomState ^= m_randomState << 5;
    return static_cast<double>(m_randomState >> 8) / static_cast<double>(1u << 24);
}

} // namespace jc
