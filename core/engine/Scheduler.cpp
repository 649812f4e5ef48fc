#include "engine/Scheduler.h"

#include "common/IsoTime.h"
#include "common/LogCategories.h"
#include "common/LogFields.h"
#include "engine/Clock.h"
#include "engine/RunExecutor.h"
#include "engine/RunJournal.h"
#include "engine/RunState.h"
#include "engine/SchedulerJob.h"
#include "engine/SchedulerJournal.h"

#include "engine/SchedulerMailbox.h"
#include "schedule/OccurrenceFinder.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <exception>

namespace jc {

Scheduler::Scheduler(Clock &clock, QObject *parent)
    : Scheduler(clock, Options{}, parent)
{}

Scheduler::Scheduler(Clock &clock, const Options &options, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_options(options)
    , m_runs(m_timeline, options.maxThreads, options.abandonGrace)
    , m_mailbox(std::make_shared<SchedulerMailbox>(this, clock,
                                                   [this](RunId run) { onRunNotified(run); }))
    , m_randomState(options.jitterSeed ? options.jitterSeed
                                       : QRandomGenerator::global()->generate())
{
    qRegisterMetaType<RunInfo>();
    qRegisterMetaType<RunRecord>();
    qRegisterMetaType<SkipReason>();
    if (m_options.instanceId.isEmpty())
        m_options.instanceId = QSysInfo::machineHostName() + u':' +
                               QString::number(QCoreApplication::applicationPid());
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        ++m_wakeCount;
        wake();
    });
    connect(&m_clock, &Clock::changed, this, &Scheduler::wake);
}

Scheduler::~Scheduler()
{
    if (m_state != State::Stopped && !m_runs.empty())
        stop(m_options.abandonGrace);
    m_mailbox->close();
}

void Scheduler::setJournal(std::shared_ptr<RunJournal> journal)
{
    assertOwnThread("Scheduler::setJournal");
    Q_ASSERT_X(m_state == State::Idle, "Scheduler::setJournal", "call before start()");
    m_journal = journal ? std::make_unique<SchedulerJournal>(
                              std::move(journal), m_options.instanceId, m_options.lease.count())
                        : nullptr;
}

Expected<bool, QString> Scheduler::addJob(JobDefinition def)
{
    assertOwnThread("Scheduler::addJob");
    const auto added = m_jobs.add(std::move(def));
    if (!added)
        return added.error();
    SchedulerJob &job = **added;
    if (m_state == State::Running && m_options.scheduleJobs) {
        scheduleNextDue(job, m_clock.nowMSecs());
        job.logLine(QtInfoMsg, QStringLiteral("Starting job"),
                    {{QStringLiteral("nextRun"), utcDateTime(job.nextDue)}});
        arm();
    }
    return true;
}

Expected<bool, QString> Scheduler::updateJob(JobDefinition def)
{
    assertOwnThread("Scheduler::updateJob");
    const auto replaced = m_jobs.replaced(def);
    if (!replaced)
        return replaced.error();
    SchedulerJob &job = **replaced;
    const bool rescheduled = def.schedule.text() != job.definition.schedule.text() ||
                             def.schedule.zone() != job.definition.schedule.zone();
    job.definition = std::move(def);
    job.logLine(
        QtInfoMsg, QStringLiteral("Job settings changed"),
        {{QStringLiteral("schedule"), job.definition.schedule.text()},
         {QStringLiteral("timeZone"), QString::fromUtf8(job.definition.schedule.zone().id())}});
    if (rescheduled && m_state == State::Running && m_options.scheduleJobs) {
        scheduleNextDue(job, m_clock.nowMSecs());
        arm();
    }
    return true;
}

void Scheduler::start()
{
    assertOwnThread("Scheduler::start");
    if (m_state != State::Idle)
        return;
    setState(State::Running);
    const qint64 now = m_clock.nowMSecs();
    if (m_journal) {
        m_timeline.add(now + m_options.heartbeatInterval.count(),
                       Event{EventKind::Heartbeat, nullptr, 0, {}});
    }
    if (m_options.scheduleJobs) {
        for (auto &job : m_jobs)
            startJob(*job, now);
    }
    arm();
}

// A job's first occurrence after now, once what it missed while no instance ran it is dealt
// with.
void Scheduler::startJob(SchedulerJob &job, qint64 now)
{
    if (const auto last = m_planner.lastOccurrenceOf(job.definition.name)) {
        // Paused before the journal's last occurrence: that one was missed while paused
        // (by this instance before a restart, or by another), and resuming catches it up.
        if (job.paused && job.pausedAt && *last >= *job.pausedAt)
            job.missedWhilePaused = *last;
        if (const auto plan = m_planner.atStartUp(job, now))
            catchUp(job, *plan, now);
        if (const auto unfinished = m_planner.unfinishedAtStartUp(job, now))
            catchUpUnfinished(job, *unfinished);
    }
    scheduleNextDue(job, now);
    job.logLine(QtInfoMsg, QStringLiteral("Starting job"),
                {{QStringLiteral("nextRun"), utcDateTime(job.nextDue)}});
}

StopReport Scheduler::stop(std::chrono::milliseconds deadline)
{
    assertOwnThread("Scheduler::stop");
    StopReport report;
    if (m_state == State::Stopped || m_state == State::Stopping)
        return report;
    setState(State::Stopping);
    m_timer.stop();
    m_timeline.clear();
    for (auto &job : m_jobs)
        job->queued.reset();
    qCInfo(lcScheduler).noquote() << LogFields::format(
        QStringLiteral("Stopping scheduler"),
        {{QStringLiteral("running"), qulonglong(m_runs.size())},
         {QStringLiteral("deadline"), LogFields::seconds(deadline.count())}});
    m_runs.stopAll(deadline);
    for (RunId id : m_runs.ids()) {
        const ActiveRun *active = m_runs.find(id);
        if (active->state->isFinished()) {
            ++report.finished;
            finishRun(id);
        } else {
            report.abandoned.append(active->state->info());
            finishRun(id, RunOutcome::Abandoned,
                      QStringLiteral("Still running %1 after shutdown began; abandoned")
                          .arg(LogFields::seconds(deadline.count())));
        }
    }
    if (m_journal && !m_journal->waitForIdle(5000))
        qCWarning(lcScheduler) << "The journal's last writes are still pending after 5 s";
    setState(State::Stopped);
    qCInfo(lcScheduler).noquote() << LogFields::format(
        QStringLiteral("Scheduler stopped"),
        {{QStringLiteral("finished"), report.finished},
         {QStringLiteral("abandoned"), qsizetype(report.abandoned.size())}});
    return report;
}

Expected<RunId, QString> Scheduler::runNow(const QString &name, const RunRequest &request)
{
    assertOwnThread("Scheduler::runNow");
    if (m_state == State::Stopping || m_state == State::Stopped)
        return QStringLiteral("The scheduler is stopping; no new runs start");
    SchedulerJob *job = m_jobs.find(name);
    if (!job)
        return QStringLiteral("No job named \"%1\"").arg(name);
    const auto made = manualRun(*job, request);
    if (!made)
        return made.error();
    switch (admitBeside(job->definition.policies.overlap, job->running, job->queued.has_value())) {
    case OverlapAdmission::Start:
        break;
    case OverlapAdmission::Queue:
        job->queued = made.value();
        job->logLine(QtInfoMsg, QStringLiteral("Manual run queued behind the running one"));
        return RunId(0);
    case OverlapAdmission::Refuse:
        if (job->queued)
            return QStringLiteral("\"%1\" is already running and another run is already "
                                  "queued behind it")
                .arg(name);
        return QStringLiteral("\"%1\" is already running and its overlap policy is skip; "
                              "wait for it to finish or cancel it")
            .arg(name);
    }
    return startRun(*job, made.value());
}

// A manual run's occurrence is now; a backfill's is the past occurrence it was asked for,
// which must be one of the job's schedule (in the zone it runs in).
Expected<PendingRun, QString> Scheduler::manualRun(const SchedulerJob &job,
                                                   const RunRequest &request) const
{
    const qint64 now = m_clock.nowMSecs();
    if (!request.occurrence.isValid())
        return PendingRun{now, RunTrigger::Manual, 1, request};
    const Schedule &schedule = job.definition.schedule;
    if (const auto refusal =
            OccurrenceFinder::notAnOccurrence(schedule, request.occurrence, job.definition.name))
        return *refusal;
    if (request.occurrence.toMSecsSinceEpoch() > now)
        return QStringLiteral("%1 has not come yet: only past occurrences of \"%2\" can be run "
                              "as a backfill")
            .arg(IsoTime::format(request.occurrence, schedule.zone()), job.definition.name);
    return PendingRun{request.occurrence.toMSecsSinceEpoch(), RunTrigger::Backfill, 1, request};
}

bool Scheduler::pause(const QString &name, const QString &reason, const QString &pausedBy,
                      const QDateTime &resumeAt, const QDateTime &pausedAt)
{
    assertOwnThread("Scheduler::pause");
    SchedulerJob *job = m_jobs.find(name);
    if (!job)
        return false;
    m_timeline.eraseJobEvents(*job, EventKind::Resume, job->resumeAt);
    job->paused = true;
    job->pauseReason = reason;
    job->pausedBy = pausedBy;
    job->pausedAt = pausedAt.isValid() ? pausedAt.toMSecsSinceEpoch() : m_clock.nowMSecs();
    job->resumeAt = resumeAt.isValid() ? std::optional(resumeAt.toMSecsSinceEpoch()) : std::nullopt;
    if (job->resumeAt) {
        m_timeline.add(*job->resumeAt,
                       Event{EventKind::Resume, job, 0,
                             PendingRun{*job->resumeAt, RunTrigger::Scheduled, 1, {}}});
        arm();
    }
    job->logLine(
        QtInfoMsg, QStringLiteral("Job paused"),
        {{QStringLiteral("reason"), reason},
         {QStringLiteral("by"), pausedBy},
         {QStringLiteral("until"), job->resumeAt ? utcDateTime(job->resumeAt) : QVariant()}});
    emit jobPauseChanged(job->definition.name, true);
    return true;
}

bool Scheduler::resume(const QString &name)
{
    assertOwnThread("Scheduler::resume");
    SchedulerJob *job = m_jobs.find(name);
    if (!job)
        return false;
    if (!job->paused)
        return true;
    m_timeline.eraseJobEvents(*job, EventKind::Resume, job->resumeAt);
    job->paused = false;
    job->pauseReason.clear();
    job->pausedBy.clear();
    job->pausedAt.reset();
    job->resumeAt.reset();
    const auto missed = std::exchange(job->missedWhilePaused, std::nullopt);
    job->logLine(QtInfoMsg, QStringLiteral("Job resumed"));
    if (m_state == State::Running && m_options.scheduleJobs) {
        const qint64 now = m_clock.nowMSecs();
        scheduleNextDue(*job, now);
        if (missed)
            catchUpAfterPause(*job, *missed, now);
        arm();
    }
    emit jobPauseChanged(job->definition.name, false);
    return true;
}

// The latest occurrence missed while paused runs once now, when the policy says so and it is
// young enough. Its missed row (under the occurrence's key) becomes the catch-up run, so that
// only one instance runs it.
void Scheduler::catchUpAfterPause(SchedulerJob &job, qint64 missed, qint64 now)
{
    const QVariantMap fields{{QStringLiteral("occurrence"), utcDateTime(missed)}};
    switch (job.definition.policies.missed.onResume(missed, now)) {
    case MissedRunPolicy::Verdict::CatchUp:
        break;
    case MissedRunPolicy::Verdict::OutsideWindow:
        job.logLine(QtInfoMsg,
                    QStringLiteral("Occurrence missed while paused is outside the catch-up window"),
                    fields);
        return;
    case MissedRunPolicy::Verdict::PolicySkips:
    case MissedRunPolicy::Verdict::JobPaused:
        return;
    }
    job.logLine(QtInfoMsg, QStringLiteral("Catching up the occurrence missed while paused"),
                fields);
    runIfAdmitted(job, PendingRun{missed, RunTrigger::CatchUp, 1, {}});
}

void Scheduler::runIfAdmitted(SchedulerJob &job, const PendingRun &pending)
{
    if (admit(job, pending))
        startRun(job, pending);
}

void Scheduler::pauseAll(const QString &reason, const QString &pausedBy)
{
    for (auto &job : m_jobs)
        pause(job->definition.name, reason, pausedBy);
}

void Scheduler::resumeAll()
{
    for (auto &job : m_jobs)
        resume(job->definition.name);
}

bool Scheduler::cancel(RunId run)
{
    assertOwnThread("Scheduler::cancel");
    const ActiveRun *active = m_runs.find(run);
    if (!active)
        return false;
    if (active->state->stopSource().requestStop(StopReason::Cancelled))
        active->job->logLine(QtInfoMsg, QStringLiteral("Cancel requested"),
                             {{QStringLiteral("runId"), active->state->shownId()}});
    if (m_runs.abandonLater(run, m_clock.nowMSecs()))
        arm();
    return true;
}

QStringList Scheduler::jobNames() const
{
    assertOwnThread("Scheduler::jobNames");
    return m_jobs.names();
}

std::optional<JobStatus> Scheduler::jobStatus(const QString &name) const
{
    assertOwnThread("Scheduler::jobStatus");
    if (const SchedulerJob *job = m_jobs.find(name))
        return job->status();
    return std::nullopt;
}

QList<JobStatus> Scheduler::jobStatuses() const
{
    assertOwnThread("Scheduler::jobStatuses");
    return m_jobs.statuses();
}

QList<RunInfo> Scheduler::activeRuns() const
{
    assertOwnThread("Scheduler::activeRuns");
    return m_runs.infos();
}

std::optional<RunProgress> Scheduler::progress(RunId run) const
{
    assertOwnThread("Scheduler::progress");
    return m_runs.progress(run);
}

void Scheduler::setLastOccurrences(const QHash<QString, qint64> &lastOccurrences)
{
    assertOwnThread("Scheduler::setLastOccurrences");
    m_planner.setLastOccurrences(lastOccurrences);
}

void Scheduler::setUnfinishedOccurrences(const QHash<QString, qint64> &unfinished)
{
    assertOwnThread("Scheduler::setUnfinishedOccurrences");
    m_planner.setUnfinishedOccurrences(unfinished);
}

void Scheduler::setEarlierSchedules(
    const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlier)
{
    assertOwnThread("Scheduler::setEarlierSchedules");
    m_planner.setEarlierSchedules(earlier);
}

// ---- timeline ------------------------------------------------------------------------------

void Scheduler::assertOwnThread(const char *where) const
{
    Q_ASSERT_X(thread() == QThread::currentThread(), where,
               "a Scheduler is used only from the thread it lives in");
    Q_UNUSED(where)
}

// A job's next occurrence is computed after the later of `after` and its last occurrence,
// so a clock set back never brings an occurrence round a second time.
void Scheduler::scheduleNextDue(SchedulerJob &job, qint64 after)
{
    m_timeline.eraseJobEvents(job, EventKind::Due, job.nextDue);
    const qint64 next =
        job.definition.schedule.nextMSecs(std::max(after, job.lastOccurrence.value_or(after)));
    job.nextDue = next >= 0 ? std::optional(next) : std::nullopt;
    if (job.nextDue)
        m_timeline.add(
            next, Event{EventKind::Due, &job, 0, PendingRun{next, RunTrigger::Scheduled, 1, {}}});
    emit jobScheduled(job.definition.name, utcDateTime(job.nextDue));
}

void Scheduler::wake()
{
    if (m_state != State::Running)
        return;
    waitForImminentEvent();
    const qint64 now = m_clock.nowMSecs();
    while (auto due = m_timeline.takeDue(now)) {
        const auto &[at, event] = *due;
        if (event.kind == EventKind::Due) {
            // Taken off the timeline just above. Left in nextDue, scheduleNextDue would look
            // for it among the events of that instant: with 10,000 jobs due at once, 50
            // million steps through the map.
            event.job->nextDue.reset();
            handleDue(*event.job, at, now);
        } else
            handle(event, now);
    }
    arm();
}

// The timer fires the clock's precision lead before the earliest event (see
// Clock::precisionLead); the rest is slept here, so that a run starts within a fraction of a
// millisecond of its instant rather than 0.3-2.5 ms after it. The event loop of this thread
// waits meanwhile: 2 ms at most per wake-up.
void Scheduler::waitForImminentEvent()
{
    const auto first = m_timeline.earliest();
    if (!first)
        return;
    const qint64 ahead = *first - m_clock.nowMSecs();
    if (ahead > 0 && ahead <= m_clock.precisionLead().count())
        m_clock.waitUntil(*first);
}

// One timer, armed for the earliest event (less the clock's precision lead) but never for
// longer than maxWakeInterval: a QTimer cannot wait longer than ~24.8 days, and the bounded
// wake re-reads the wall clock.
void Scheduler::arm()
{
    const auto first = m_timeline.earliest();
    if (m_state != State::Running || !first) {
        m_timer.stop();
        return;
    }
    const qint64 ahead = *first - m_clock.nowMSecs();
    const qint64 delay = std::clamp<qint64>(ahead - m_clock.precisionLead().count(), 0,
                                            m_options.maxWakeInterval.count());
    m_timer.start(static_cast<int>(delay));
}

void Scheduler::handle(const Event &event, qint64 now)
{
    switch (event.kind) {
    case EventKind::Due:
        break; // handled by wake()
    case EventKind::Retry:
        handleRetry(*event.job, event.pending);
        break;
    case EventKind::Timeout:
        handleTimeout(event.run, now);
        break;
    case EventKind::Abandon:
        handleAbandon(event.run);
        break;
    case EventKind::Resume:
        handleResume(*event.job, event.pending.occurrence);
        break;
    case EventKind::Heartbeat:
        heartbeat(now);
        break;
    }
}

void Scheduler::handleDue(SchedulerJob &job, qint64 due, qint64 now)
{
    const auto wake = CatchUpPlanner::atWake(job.definition.schedule, due, now);
    job.lastOccurrence = wake.occurrence;
    if (wake.coalesced > 0) {
        job.logLine(QtWarningMsg, QStringLiteral("Missed occurrences coalesced into one run"),
                    {{QStringLiteral("first"), utcDateTime(due)},
                     {QStringLiteral("count"), wake.coalesced},
                     {QStringLiteral("running"), utcDateTime(wake.occurrence)}});
        reportSkipped(job, due, SkipReason::Coalesced, wake.coalesced,
                      QStringLiteral("%1 occurrences came due while this instance was not "
                                     "running them (down, asleep or the clock jumped); ran the "
                                     "latest, %2")
                          .arg(wake.coalesced)
                          .arg(IsoTime::format(utcDateTime(wake.occurrence), true)));
    }
    scheduleNextDue(job, now);
    job.logLine(QtInfoMsg, QStringLiteral("Next run scheduled"),
                {{QStringLiteral("nextRun"), utcDateTime(job.nextDue)}});
    if (job.paused) {
        job.logLine(QtInfoMsg, QStringLiteral("Occurrence missed: job is paused"),
                    {{QStringLiteral("occurrence"), utcDateTime(wake.occurrence)}});
        reportSkipped(job, wake.occurrence, SkipReason::Paused, 1, job.pausedDetail());
        job.missedWhilePaused = wake.occurrence;
        return;
    }
    runIfAdmitted(job, PendingRun{wake.occurrence, RunTrigger::Scheduled, 1, {}});
}

// The journal's last occurrence of the job did not get done, and no later one has come due:
// it is caught up now, under the same policy and window as a missed occurrence.
void Scheduler::catchUpUnfinished(SchedulerJob &job, const CatchUpPlanner::Unfinished &plan)
{
    const QVariantMap fields{
        {QStringLiteral("occurrence"), utcDateTime(plan.occurrence)},
        {QStringLiteral("policy"), toText(job.definition.policies.missed.action)}};
    if (plan.verdict != MissedRunPolicy::Verdict::CatchUp) {
        job.logLine(QtWarningMsg,
                    QStringLiteral("The last occurrence did not get done and is not caught up (%1)")
                        .arg(toText(plan.verdict)),
                    fields);
        return;
    }
    job.lastOccurrence = std::max(job.lastOccurrence.value_or(plan.occurrence), plan.occurrence);
    job.logLine(QtWarningMsg,
                QStringLiteral("The last occurrence did not get done; catching it up"), fields);
    runIfAdmitted(job, PendingRun{plan.occurrence, RunTrigger::CatchUp, 1, {}});
}

// Occurrences missed while no instance ran the job: one row records them (less a catch-up
// run's), and the latest runs when the missed-run policy says so.
void Scheduler::catchUp(SchedulerJob &job, const CatchUpPlanner::StartUp &plan, qint64 now)
{
    job.lastOccurrence = plan.latest;
    if (job.paused && job.pausedAt && plan.latest >= *job.pausedAt)
        job.missedWhilePaused = plan.latest; // missed while down and paused
    const MissedRunPolicy &policy = job.definition.policies.missed;
    if (plan.recordedMissed() > 0) {
        const QString then = plan.runsLatest()
                                 ? QStringLiteral(", the latest runs as a catch-up")
                                 : (policy.inWindow(plan.latest, now)
                                        ? QString()
                                        : QStringLiteral(", outside the catch-up window"));
        reportSkipped(
            job, plan.recordedAt(), SkipReason::Coalesced, plan.recordedMissed(),
            QStringLiteral("%1 occurrence(s) from %2 came due while no instance was "
                           "running; missed-run policy: %3%4")
                .arg(plan.recordedMissed())
                .arg(IsoTime::format(utcDateTime(plan.first), true), toText(policy.action), then));
    }
    job.logLine(QtWarningMsg, QStringLiteral("Missed occurrences found at start-up"),
                {{QStringLiteral("count"), plan.count},
                 {QStringLiteral("first"), utcDateTime(plan.first)},
                 {QStringLiteral("latest"), utcDateTime(plan.latest)},
                 {QStringLiteral("policy"), toText(policy.action)}});
    if (plan.runsLatest())
        runIfAdmitted(job, PendingRun{plan.latest, RunTrigger::CatchUp, 1, {}});
}

void Scheduler::handleRetry(SchedulerJob &job, const PendingRun &pending)
{
    if (job.paused) {
        reportSkipped(job, pending.occurrence, SkipReason::Paused, 1, job.pausedDetail());
        return;
    }
    runIfAdmitted(job, pending);
}

void Scheduler::handleResume(SchedulerJob &job, qint64 at)
{
    if (job.paused && job.resumeAt == at)
        resume(job.definition.name);
}

void Scheduler::handleTimeout(RunId run, qint64 now)
{
    ActiveRun *active = m_runs.find(run);
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

void Scheduler::handleAbandon(RunId run)
{
    ActiveRun *active = m_runs.find(run);
    if (!active)
        return;
    active->abandon.reset(); // its event was just taken off the timeline
    if (active->state->isFinished()) {
        finishRun(run);
        return;
    }
    finishRun(run, RunOutcome::Abandoned,
              QStringLiteral("Did not stop within %1 of being asked to; abandoned (its thread "
                             "may still be busy)")
                  .arg(LogFields::seconds(m_options.abandonGrace.count())));
}

// ---- runs ----------------------------------------------------------------------------------

bool Scheduler::admit(SchedulerJob &job, const PendingRun &pending)
{
    const QVariantMap fields{{QStringLiteral("occurrence"), utcDateTime(pending.occurrence)}};
    switch (admitBeside(job.definition.policies.overlap, job.running, job.queued.has_value())) {
    case OverlapAdmission::Start:
        return true;
    case OverlapAdmission::Queue:
        job.queued = pending;
        job.logLine(QtInfoMsg, QStringLiteral("Run queued behind the running one"), fields);
        return false;
    case OverlapAdmission::Refuse:
        break;
    }
    job.logLine(QtInfoMsg, QStringLiteral("Occurrence skipped: job is still running"), fields);
    reportSkipped(job, pending.occurrence, SkipReason::Overlap, 1,
                  QStringLiteral("A run of this job was still going here"));
    return false;
}

RunId Scheduler::startRun(SchedulerJob &job, const PendingRun &pending)
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
                 job.definition.schedule.zone()};
    auto state = std::make_shared<RunState>(info, m_mailbox, job.definition.policies.timeout);

    m_runs.add(id, job, state, now);
    ++job.running;

    // "Executing job" is logged by the worker once the claim succeeded (RunExecutor): only then
    // does the body run, and only then is the run's id (the journal's) known.
    emit runStarted(info);
    RunExecutor::Context context{state,
                                 job.definition.body,
                                 job.log,
                                 m_journal ? m_journal->journal() : nullptr,
                                 job.definition.policies.overlap,
                                 m_options.lease.count(),
                                 m_options.instanceId,
                                 m_options.holder,
                                 m_options.sessionLock};
    m_runs.launch(std::move(context));
    arm();
    return id;
}

void Scheduler::onRunNotified(RunId run)
{
    const ActiveRun *active = m_runs.find(run);
    if (!active)
        return; // already recorded (abandoned, or finished during stop())
    const auto state = active->state;
    if (state->takeProgressChanged()) {
        const RunProgress progress = state->progress();
        emit runProgress(run, progress.done, progress.total, progress.text);
    }
    if (state->isFinished())
        finishRun(run);
}

void Scheduler::finishRun(RunId run, std::optional<RunOutcome> forced, const QString &forcedError)
{
    const auto taken = m_runs.take(run);
    if (!taken)
        return;
    const ActiveRun &active = *taken;
    if (!forced && finishRefused(active))
        return;
    const RunRecord record = recordOf(*active.state, forced, forcedError);
    if (forced && !active.state->isFinished()) {
        m_runs.keepAbandoned(active.state);
        if (m_journal)
            m_journal->recordAbandoned(active.state, record);
    }
    SchedulerJob &job = *active.job;
    noteFinished(job, run, record);
    emit runFinished(record);
    const bool retrying = maybeScheduleRetry(job, record);
    recordUnclaimed(job, active, retrying);
    startQueued(job);
    arm();
}

// The job's bookkeeping and log line for a run that ended.
void Scheduler::noteFinished(SchedulerJob &job, RunId run, const RunRecord &record)
{
    --job.running;
    job.lastOutcome = record.outcome;
    job.lastFinishedAt = record.finishedAt.toMSecsSinceEpoch();
    if (record.outcome == RunOutcome::Succeeded)
        job.lastSuccessAt = job.lastFinishedAt;
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

// A scheduled occurrence whose claim failed because the database was unreachable has no row
// (the claim is the row); unless it is retried, it is recorded missed, under its own key,
// when the database is back (SchedulerJournal keeps it until then). An instance that did
// claim it meanwhile keeps its row. A manual run's failure was told to whoever asked.
void Scheduler::recordUnclaimed(SchedulerJob &job, const ActiveRun &active, bool retrying)
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
    reportSkipped(job, info.occurrence.toMSecsSinceEpoch(), SkipReason::DatabaseUnavailable, 1,
                  QStringLiteral("Not run: the database could not be reached to claim it (%1)")
                      .arg(refusal->message));
}

// A run whose claim the journal refused ends here without a record of its own: another
// instance has the occurrence, or was running the job, and the journal already says so.
bool Scheduler::finishRefused(const ActiveRun &active)
{
    const auto refusal = active.state->refusal();
    if (!refusal || refusal->kind == RunState::Refusal::Kind::StorageFailed)
        return false;
    SchedulerJob &job = *active.job;
    --job.running;
    const SkipReason reason = refusal->kind == RunState::Refusal::Kind::ClaimedElsewhere
                                  ? SkipReason::ClaimedElsewhere
                                  : SkipReason::Overlap;
    job.logLine(QtInfoMsg, QStringLiteral("Run not started"),
                {{QStringLiteral("occurrence"), active.state->info().occurrence},
                 {QStringLiteral("reason"), refusal->message}});
    emit occurrenceSkipped(job.definition.name, active.state->info().occurrence, reason, 1);
    emit runRefused(active.state->info(), reason, refusal->message);
    startQueued(job);
    arm();
    return true;
}

void Scheduler::reportSkipped(SchedulerJob &job, qint64 occurrence, SkipReason reason, int count,
                              const QString &detail)
{
    emit occurrenceSkipped(job.definition.name, utcDateTime(occurrence), reason, count);
    if (!m_journal)
        return;
    // A skipped occurrence is recorded under its own key, so that no other instance runs it
    // either; a coalesced batch gets a key of its own and never blocks a real run.
    const QString key = reason == SkipReason::Coalesced
                            ? QString()
                            : utcDateTime(occurrence).toString(Qt::ISODateWithMs);
    m_journal->recordSkipped(RunJournal::Skipped{job.definition.name, occurrence, key, reason,
                                                 count, m_clock.nowMSecs(), m_options.instanceId,
                                                 detail});
}

void Scheduler::heartbeat(qint64 now)
{
    m_journal->heartbeat(m_runs.states(), now);
    m_timeline.add(now + m_options.heartbeatInterval.count(),
                   Event{EventKind::Heartbeat, nullptr, 0, {}});
}

RunRecord Scheduler::recordOf(const RunState &state, std::optional<RunOutcome> forced,
                              const QString &forcedError) const
{
    if (forced)
        return state.recordWithoutResult(*forced, forcedError);
    if (const auto refusal = state.refusal()) // the journal failed: the body never ran
        return state.recordWithoutResult(RunOutcome::Failed, refusal->message);
    return state.record();
}

bool Scheduler::maybeScheduleRetry(SchedulerJob &job, const RunRecord &record)
{
    if (m_state != State::Running)
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
    m_timeline.add(at, Event{EventKind::Retry, &job, 0, pending});
    job.logLine(QtInfoMsg, QStringLiteral("Retry scheduled"),
                {{QStringLiteral("attempt"), *attempt}, {QStringLiteral("at"), utcDateTime(at)}});
    return true;
}

void Scheduler::startQueued(SchedulerJob &job)
{
    if (!job.queued || job.running > 0)
        return;
    if (m_state == State::Stopping || m_state == State::Stopped) {
        job.queued.reset();
        return;
    }
    const PendingRun pending = *job.queued;
    job.queued.reset();
    startRun(job, pending);
}

// ---- helpers -------------------------------------------------------------------------------

void Scheduler::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

double Scheduler::nextUnitRandom()
{
    // xorshift32: reproducible with Options::jitterSeed, good enough to spread retries.
    m_randomState ^= m_randomState << 13;
    m_randomState ^= m_randomState >> 17;
    m_randomState ^= m_randomState << 5;
    return static_cast<double>(m_randomState >> 8) / static_cast<double>(1u << 24);
}

} // namespace jc
