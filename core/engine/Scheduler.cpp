#include "engine/Scheduler.h"

#include "common/IsoTime.h"
#include "common/LogCategories.h"
#include "common/LogFields.h"
#include "engine/Clock.h"
#include "engine/RunJournal.h"
#include "engine/SchedulerJob.h"
#include "engine/SchedulerJournal.h"

#include <QThread>

#include <algorithm>

namespace jc {

Scheduler::Scheduler(Clock &clock, QObject *parent)
    : Scheduler(clock, Options{}, parent)
{}

Scheduler::Scheduler(Clock &clock, const Options &options, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_options(options)
    , m_runs(clock, m_timeline, supervisorSettings(options))
{
    qRegisterMetaType<RunInfo>();
    qRegisterMetaType<RunRecord>();
    qRegisterMetaType<SkipReason>();
    m_options.instanceId = m_runs.instanceId();
    forwardRunSignals();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        ++m_wakeCount;
        wake();
    });
    connect(&m_clock, &Clock::changed, this, &Scheduler::wake);
}

RunSupervisor::Settings Scheduler::supervisorSettings(const Options &options)
{
    return {options.maxThreads,    options.abandonGrace,     options.jitterSeed,
            options.lease.count(), options.instanceId,       options.holder,
            options.sessionLock,   options.liveShareInterval};
}

void Scheduler::forwardRunSignals()
{
    connect(&m_runs, &RunSupervisor::runStarted, this, &Scheduler::runStarted);
    connect(&m_runs, &RunSupervisor::runProgress, this, &Scheduler::runProgress);
    connect(&m_runs, &RunSupervisor::runFinished, this, &Scheduler::runFinished);
    connect(&m_runs, &RunSupervisor::runRefused, this, &Scheduler::runRefused);
    connect(&m_runs, &RunSupervisor::occurrenceSkipped, this, &Scheduler::occurrenceSkipped);
    connect(&m_runs, &RunSupervisor::occurrenceNotRun, this,
            [this](SchedulerJob *job, qint64 occurrence, SkipReason reason, const QString &detail) {
                reportSkipped(*job, occurrence, reason, 1, detail);
            });
    connect(&m_runs, &RunSupervisor::timelineChanged, this, &Scheduler::arm);
}

Scheduler::~Scheduler()
{
    if (m_state != State::Stopped && !m_runs.empty())
        stop(m_options.abandonGrace);
}

void Scheduler::setJournal(std::shared_ptr<RunJournal> journal)
{
    assertOwnThread("Scheduler::setJournal");
    Q_ASSERT_X(m_state == State::Idle, "Scheduler::setJournal", "call before start()");
    m_journal = journal ? std::make_unique<SchedulerJournal>(
                              std::move(journal), m_options.instanceId, m_options.lease.count())
                        : nullptr;
    m_runs.setJournal(m_journal.get());
    if (m_journal)
        m_journal->setUnfinishedHandler([this](QList<RunJournal::UnfinishedRun> runs) {
            QMetaObject::invokeMethod(
                this, [this, runs = std::move(runs)] { catchUpUnfinished(runs); },
                Qt::QueuedConnection);
        });
    if (m_journal)
        m_journal->setPauseEndedHandler([this](QString job, qint64 occurrence) {
            QMetaObject::invokeMethod(
                this,
                [this, job = std::move(job), occurrence] { runAfterStoredResume(job, occurrence); },
                Qt::QueuedConnection);
        });
}

Expected<void, QString> Scheduler::addJob(JobDefinition def)
{
    assertOwnThread("Scheduler::addJob");
    const auto added = m_jobs.add(std::move(def));
    if (!added)
        return Unexpected(added.error());
    SchedulerJob &job = **added;
    if (m_state == State::Running && m_options.scheduleJobs) {
        scheduleNextDue(job, m_clock.nowMSecs());
        job.logLine(QtInfoMsg, QStringLiteral("Starting job"),
                    {{QStringLiteral("nextRun"), utcDateTime(job.nextDue)}});
        arm();
    }
    return {};
}

Expected<void, QString> Scheduler::updateJob(JobDefinition def)
{
    assertOwnThread("Scheduler::updateJob");
    const auto replaced = m_jobs.replaced(def);
    if (!replaced)
        return Unexpected(replaced.error());
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
    return {};
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
        for (const auto &job : m_jobs)
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
            catchUp(job, *plan);
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
    for (const auto &job : m_jobs)
        job->queued.reset();
    qCInfo(lcScheduler).noquote() << LogFields::format(
        QStringLiteral("Stopping scheduler"),
        {{QStringLiteral("running"), qulonglong(m_runs.size())},
         {QStringLiteral("deadline"), LogFields::seconds(deadline.count())}});
    report = m_runs.stopAll(deadline);
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
        return Unexpected(QStringLiteral("The scheduler is stopping; no new runs start"));
    SchedulerJob *job = m_jobs.find(name);
    if (!job)
        return Unexpected(QStringLiteral("No job named \"%1\"").arg(name));
    const auto made = PendingRun::forRequest(job->definition, request, m_clock.nowMSecs());
    if (!made)
        return Unexpected(made.error());
    switch (admitBeside(job->definition.policies.overlap, job->running, job->queued.has_value())) {
    case OverlapAdmission::Start:
        break;
    case OverlapAdmission::Queue:
        job->queued = made.value();
        job->logLine(QtInfoMsg, QStringLiteral("Manual run queued behind the running one"));
        return RunId(0);
    case OverlapAdmission::Refuse:
        if (job->queued)
            return Unexpected(QStringLiteral("\"%1\" is already running and another run is already "
                                             "queued behind it")
                                  .arg(name));
        return Unexpected(QStringLiteral("\"%1\" is already running and its overlap policy "
                                         "is skip; wait for it to finish or cancel it")
                              .arg(name));
    }
    return m_runs.start(*job, made.value());
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
    const auto heldRetry = std::exchange(job->heldRetry, std::nullopt);
    job->logLine(QtInfoMsg, QStringLiteral("Job resumed"));
    if (m_state == State::Running && m_options.scheduleJobs) {
        const qint64 now = m_clock.nowMSecs();
        scheduleNextDue(*job, now);
        const bool caughtUp = missed && catchUpAfterPause(*job, *missed, now);
        if (heldRetry)
            runHeldRetry(*job, *heldRetry, caughtUp && *missed > heldRetry->occurrence);
        arm();
    }
    emit jobPauseChanged(job->definition.name, false);
    return true;
}

// The latest occurrence missed while paused runs once now, when the policy says so and it is
// young enough (then true). Its missed row (under the occurrence's key) becomes the catch-up
// run, so that only one instance runs it.
bool Scheduler::catchUpAfterPause(SchedulerJob &job, qint64 missed, qint64 now)
{
    const QVariantMap fields{{QStringLiteral("occurrence"), utcDateTime(missed)}};
    switch (job.definition.policies.missed.onResume(missed, now)) {
    case MissedRunPolicy::Verdict::CatchUp:
        break;
    case MissedRunPolicy::Verdict::OutsideWindow:
        job.logLine(QtInfoMsg,
                    QStringLiteral("Occurrence missed while paused is outside the catch-up window"),
                    fields);
        return false;
    case MissedRunPolicy::Verdict::PolicySkips:
    case MissedRunPolicy::Verdict::JobPaused:
        return false;
    }
    job.logLine(QtInfoMsg, QStringLiteral("Catching up the occurrence missed while paused"),
                fields);
    runIfAdmitted(job, PendingRun{missed, RunTrigger::CatchUp, 1, {}});
    return true;
}

void Scheduler::runIfAdmitted(SchedulerJob &job, const PendingRun &pending)
{
    if (admit(job, pending))
        m_runs.start(job, pending);
}

void Scheduler::pauseAll(const QString &reason, const QString &pausedBy)
{
    for (const auto &job : m_jobs)
        pause(job->definition.name, reason, pausedBy);
}

void Scheduler::resumeAll()
{
    for (const auto &job : m_jobs)
        resume(job->definition.name);
}

bool Scheduler::cancel(RunId run, const QString &requestedBy)
{
    assertOwnThread("Scheduler::cancel");
    return m_runs.cancel(run, requestedBy);
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
        m_runs.timeOut(event.run, now);
        break;
    case EventKind::Abandon:
        m_runs.giveUpOn(event.run);
        break;
    case EventKind::Resume:
        handleResume(*event.job, event.pending.occurrence);
        break;
    case EventKind::Heartbeat:
        heartbeat(now);
        break;
    case EventKind::ShareLive:
        m_runs.shareLive();
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
        reportSkipped(job, due, SkipReason::Coalesced, wake.coalesced, wake.coalescedDetail());
    }
    scheduleNextDue(job, now);
    job.logLine(QtInfoMsg, QStringLiteral("Next run scheduled"),
                {{QStringLiteral("nextRun"), utcDateTime(job.nextDue)}});
    if (job.paused) {
        job.logLine(QtInfoMsg, QStringLiteral("Occurrence missed: job is paused"),
                    {{QStringLiteral("occurrence"), utcDateTime(wake.occurrence)}});
        reportSkipped(job, wake.occurrence, SkipReason::Paused, 1, job.pausedDetail(),
                      m_options.pausesStored);
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
void Scheduler::catchUp(SchedulerJob &job, const CatchUpPlanner::StartUp &plan)
{
    job.lastOccurrence = plan.latest;
    if (job.paused && job.pausedAt && plan.latest >= *job.pausedAt)
        job.missedWhilePaused = plan.latest; // missed while down and paused
    const MissedRunPolicy &policy = job.definition.policies.missed;
    if (plan.recordedMissed() > 0)
        reportSkipped(job, plan.recordedAt(), SkipReason::Coalesced, plan.recordedMissed(),
                      plan.missedDetail(policy.action));
    job.logLine(QtWarningMsg, QStringLiteral("Missed occurrences found at start-up"),
                {{QStringLiteral("count"), plan.count},
                 {QStringLiteral("first"), utcDateTime(plan.first)},
                 {QStringLiteral("latest"), utcDateTime(plan.latest)},
                 {QStringLiteral("policy"), toText(policy.action)}});
    if (plan.runsLatest())
        runIfAdmitted(job, PendingRun{plan.latest, RunTrigger::CatchUp, 1, {}});
}

// Another instance's run of a job's latest occurrence ended interrupted (found by a heartbeat):
// caught up here as at start-up, unless a later occurrence came due, the job runs here (its own
// run that lost its lease: once it ends, the next heartbeat looks again) or is paused (until its
// resume).
void Scheduler::catchUpUnfinished(const QList<RunJournal::UnfinishedRun> &runs)
{
    if (m_state != State::Running || !m_options.scheduleJobs)
        return;
    const qint64 now = m_clock.nowMSecs();
    for (const RunJournal::UnfinishedRun &run : runs) {
        SchedulerJob *job = m_jobs.find(run.job);
        if (!job || job->running > 0 || job->paused ||
            latestOccurrence(*job) != run.occurrenceMSecs)
            continue;
        const std::pair seen{run.storedRunId, run.startedAtMSecs};
        if (job->unfinishedSeen == seen)
            continue;
        job->unfinishedSeen = seen;
        catchUpUnfinished(*job, run, now);
    }
    arm();
}

void Scheduler::catchUpUnfinished(SchedulerJob &job, const RunJournal::UnfinishedRun &run,
                                  qint64 now)
{
    const QVariantMap fields{
        {QStringLiteral("occurrence"), utcDateTime(run.occurrenceMSecs)},
        {QStringLiteral("unfinishedRun"), run.storedRunId},
        {QStringLiteral("instance"), run.instanceId},
        {QStringLiteral("policy"), toText(job.definition.policies.missed.action)}};
    // "was interrupted", or "failed and its instance is gone" (its retry went with it).
    const QString what =
        run.outcome == RunOutcome::Interrupted
            ? QStringLiteral("was interrupted")
            : QStringLiteral("ended %1 and its instance is gone").arg(toText(run.outcome));
    const auto verdict = job.definition.policies.missed.onMissed(run.occurrenceMSecs, now, false);
    if (verdict != MissedRunPolicy::Verdict::CatchUp) {
        job.logLine(QtWarningMsg,
                    QStringLiteral("The latest occurrence's run %1 and is not caught up (%2)")
                        .arg(what, toText(verdict)),
                    fields);
        return;
    }
    job.logLine(QtWarningMsg,
                QStringLiteral("The latest occurrence's run %1; catching it up").arg(what), fields);
    runIfAdmitted(job, PendingRun{run.occurrenceMSecs, RunTrigger::CatchUp, 1, {}});
}

// An occurrence held by a pause known here, which the journal did not record missed: the
// stored pause had ended (an admin resumed the job from elsewhere an instant before, and the
// poll that resumes it here has not come yet). It runs now as scheduled, unless a later
// occurrence has come due meanwhile or the job stopped being scheduled; its claim reads the
// stored pause again.
void Scheduler::runAfterStoredResume(const QString &name, qint64 occurrence)
{
    if (m_state != State::Running || !m_options.scheduleJobs)
        return;
    SchedulerJob *job = m_jobs.find(name);
    if (!job || latestOccurrence(*job) != occurrence)
        return;
    if (job->missedWhilePaused == occurrence)
        job->missedWhilePaused.reset();
    job->logLine(QtInfoMsg,
                 QStringLiteral("The job was resumed in the database before this occurrence; "
                                "running it"),
                 {{QStringLiteral("occurrence"), utcDateTime(occurrence)}});
    runIfAdmitted(*job, PendingRun{occurrence, RunTrigger::Scheduled, 1, {}});
    arm();
}

// The last occurrence that came due here, or before this instance started (the journal's).
std::optional<qint64> Scheduler::latestOccurrence(const SchedulerJob &job) const
{
    const auto known = m_planner.lastOccurrenceOf(job.definition.name);
    if (!job.lastOccurrence || (known && *known > *job.lastOccurrence))
        return known;
    return job.lastOccurrence;
}

// The earliest latest occurrence of the jobs scheduled here: their runs start at or after it.
std::optional<qint64> Scheduler::unfinishedSince() const
{
    if (!m_options.scheduleJobs || m_state != State::Running)
        return std::nullopt;
    std::optional<qint64> since;
    for (const auto &job : m_jobs) {
        if (const auto latest = latestOccurrence(*job); latest && (!since || *latest < *since))
            since = latest;
    }
    return since;
}

// A pause holds a retry that comes due, as it holds occurrences, but does not drop it: the
// occurrence failed and is still owed (a month of the top-up), and resuming carries it out.
void Scheduler::handleRetry(SchedulerJob &job, const PendingRun &pending)
{
    if (job.paused) {
        job.holdRetry(pending);
        return;
    }
    runIfAdmitted(job, pending);
}

// On resume: the retry held while paused runs now, unless a later occurrence missed while
// paused is being caught up (the better retry, as scheduleRetry has it).
void Scheduler::runHeldRetry(SchedulerJob &job, const PendingRun &held, bool laterCaughtUp)
{
    const QVariantMap fields{{QStringLiteral("occurrence"), utcDateTime(held.occurrence)},
                             {QStringLiteral("attempt"), held.attempt}};
    if (laterCaughtUp) {
        job.logLine(QtInfoMsg,
                    QStringLiteral("Held retry dropped: a later occurrence is caught up instead"),
                    fields);
        return;
    }
    job.logLine(QtInfoMsg, QStringLiteral("Running the retry held while paused"), fields);
    runIfAdmitted(job, held);
}

void Scheduler::handleResume(SchedulerJob &job, qint64 at)
{
    if (job.paused && job.resumeAt == at)
        resume(job.definition.name);
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

void Scheduler::reportSkipped(SchedulerJob &job, qint64 occurrence, SkipReason reason, int count,
                              const QString &detail, bool whileStoredPauseStands)
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
                                                 detail, whileStoredPauseStands});
}

std::optional<LeaseRenewal> Scheduler::leaseRenewal() const
{
    return m_journal ? m_journal->lastLeaseRenewal() : std::nullopt;
}

void Scheduler::heartbeat(qint64 now)
{
    m_journal->heartbeat(m_runs.states(), now, unfinishedSince());
    m_timeline.add(now + m_options.heartbeatInterval.count(),
                   Event{EventKind::Heartbeat, nullptr, 0, {}});
}

// ---- helpers -------------------------------------------------------------------------------

void Scheduler::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    m_runs.setAccepting(state == State::Running,
                        state != State::Stopping && state != State::Stopped);
    emit stateChanged(state);
}

} // namespace jc
