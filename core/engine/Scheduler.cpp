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
#include <QThreadPool>

#include <algorithm>
#include <exception>

namespace jc {

namespace {

// How many overdue occurrences one wake walks through to find the latest. Beyond it (a
// per-second job after a day of downtime) the rest are counted from the next one after now.
constexpr int maxCoalesceWalk = 100000;

} // namespace

Scheduler::Scheduler(Clock &clock, QObject *parent)
    : Scheduler(clock, Options{}, parent)
{}

Scheduler::Scheduler(Clock &clock, const Options &options, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_options(options)
    , m_pool(std::make_unique<QThreadPool>())
    , m_mailbox(std::make_shared<SchedulerMailbox>(this, clock,
                                                   [this](RunId run) { onRunNotified(run); }))
    , m_randomState(options.jitterSeed ? options.jitterSeed
                                       : QRandomGenerator::global()->generate())
{
    qRegisterMetaType<RunInfo>();
    qRegisterMetaType<RunRecord>();
    qRegisterMetaType<SkipReason>();
    m_pool->setMaxThreadCount(std::max(1, m_options.maxThreads));
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
    if (m_state != State::Stopped && !m_active.empty())
        stop(m_options.abandonGrace);
    m_mailbox->close();
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

void Scheduler::setJournal(std::shared_ptr<RunJournal> journal)
{
    Q_ASSERT_X(m_state == State::Idle, "Scheduler::setJournal", "call before start()");
    m_journal = journal ? std::make_unique<SchedulerJournal>(
                              std::move(journal), m_options.instanceId, m_options.lease.count())
                        : nullptr;
}

Expected<bool, QString> Scheduler::addJob(JobDefinition def)
{
    def.name = def.name.trimmed();
    if (def.name.isEmpty())
        return QStringLiteral("A job needs a name");
    if (findJob(def.name))
        return QStringLiteral("A job named \"%1\" is already registered").arg(def.name);
    if (!def.body)
        return QStringLiteral("Job \"%1\" has no body to run").arg(def.name);
    if (!def.schedule.isValid())
        return QStringLiteral("Job \"%1\" has no valid schedule").arg(def.name);
    m_jobs.push_back(std::make_unique<SchedulerJob>(std::move(def)));
    m_jobsByName.insert(m_jobs.back()->definition.name, m_jobs.back().get());
    if (m_state == State::Running && m_options.scheduleJobs) {
        SchedulerJob &job = *m_jobs.back();
        scheduleNextDue(job, m_clock.nowMSecs());
        logJob(job, QtInfoMsg, QStringLiteral("Starting job"),
               {{QStringLiteral("nextRun"), toDateTime(job.nextDue)}});
        arm();
    }
    return true;
}

Expected<bool, QString> Scheduler::updateJob(JobDefinition def)
{
    def.name = def.name.trimmed();
    SchedulerJob *job = findJob(def.name);
    if (!job)
        return QStringLiteral("No job named \"%1\" is registered").arg(def.name);
    if (!def.body)
        return QStringLiteral("Job \"%1\" has no body to run").arg(def.name);
    if (!def.schedule.isValid())
        return QStringLiteral("Job \"%1\" has no valid schedule").arg(def.name);
    const bool rescheduled = def.schedule.text() != job->definition.schedule.text() ||
                             def.schedule.zone() != job->definition.schedule.zone();
    job->definition = std::move(def);
    logJob(*job, QtInfoMsg, QStringLiteral("Job settings changed"),
           {{QStringLiteral("schedule"), job->definition.schedule.text()},
            {QStringLiteral("timeZone"), QString::fromUtf8(job->definition.schedule.zone().id())}});
    if (rescheduled && m_state == State::Running && m_options.scheduleJobs) {
        scheduleNextDue(*job, m_clock.nowMSecs());
        arm();
    }
    return true;
}

void Scheduler::start()
{
    if (m_state != State::Idle)
        return;
    setState(State::Running);
    const qint64 now = m_clock.nowMSecs();
    if (m_journal) {
        addEvent(now + m_options.heartbeatInterval.count(),
                 Event{EventKind::Heartbeat, nullptr, 0, {}});
    }
    for (auto &job : m_jobs) {
        if (!m_options.scheduleJobs)
            break;
        if (const auto last = m_lastOccurrences.constFind(job->definition.name);
            last != m_lastOccurrences.cend()) {
            // Paused before the journal's last occurrence: that one was missed while paused
            // (by this instance before a restart, or by another), and resuming catches it up.
            if (job->paused && last.value() >= job->pausedAt)
                job->missedWhilePaused = last.value();
            const ScheduleTimeline schedules = schedulesOf(*job);
            catchUp(*job, schedules, last.value(), now);
            if (m_unfinishedOccurrences.value(job->definition.name, -1) == last.value())
                catchUpUnfinished(*job, schedules, last.value(), now);
        }
        scheduleNextDue(*job, now);
        logJob(*job, QtInfoMsg, QStringLiteral("Starting job"),
               {{QStringLiteral("nextRun"), toDateTime(job->nextDue)}});
    }
    arm();
}

StopReport Scheduler::stop(std::chrono::milliseconds deadline)
{
    StopReport report;
    if (m_state == State::Stopped || m_state == State::Stopping)
        return report;
    setState(State::Stopping);
    m_timer.stop();
    m_timeline.clear();
    for (auto &job : m_jobs)
        job->queued.reset();
    for (auto &[id, active] : m_active) {
        active.timeout.reset();
        active.abandon.reset();
        active.state->stopSource().requestStop(StopReason::Shutdown);
    }
    qCInfo(lcScheduler).noquote() << LogFields::format(
        QStringLiteral("Stopping scheduler"),
        {{QStringLiteral("running"), qulonglong(m_active.size())},
         {QStringLiteral("deadline"), LogFields::seconds(deadline.count())}});

    m_pool->waitForDone(static_cast<int>(std::clamp<qint64>(deadline.count(), 0, INT_MAX)));

    std::vector<RunId> ids;
    for (const auto &entry : m_active)
        ids.push_back(entry.first);
    for (RunId id : ids) {
        const auto &active = m_active.at(id);
        if (active.state->isFinished()) {
            ++report.finished;
            finishRun(id);
        } else {
            report.abandoned.append(active.state->info());
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
    if (m_state == State::Stopping || m_state == State::Stopped)
        return QStringLiteral("The scheduler is stopping; no new runs start");
    SchedulerJob *job = findJob(name);
    if (!job)
        return QStringLiteral("No job named \"%1\"").arg(name);
    const auto made = manualRun(*job, request);
    if (!made)
        return made.error();
    const PendingRun &pending = made.value();
    if (job->running > 0) {
        switch (job->definition.policies.overlap) {
        case OverlapPolicy::Skip:
            return QStringLiteral("\"%1\" is already running and its overlap policy is skip; "
                                  "wait for it to finish or cancel it")
                .arg(name);
        case OverlapPolicy::Queue:
            if (job->queued)
                return QStringLiteral("\"%1\" is already running and another run is already "
                                      "queued behind it")
                    .arg(name);
            job->queued = pending;
            logJob(*job, QtInfoMsg, QStringLiteral("Manual run queued behind the running one"));
            return RunId(0);
        case OverlapPolicy::Parallel:
            break;
        }
    }
    return startRun(*job, pending);
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
    SchedulerJob *job = findJob(name);
    if (!job)
        return false;
    eraseJobEvents(*job, EventKind::Resume, job->resumeAt);
    job->paused = true;
    job->pauseReason = reason;
    job->pausedBy = pausedBy;
    job->pausedAt = pausedAt.isValid() ? pausedAt.toMSecsSinceEpoch() : m_clock.nowMSecs();
    job->resumeAt = resumeAt.isValid() ? resumeAt.toMSecsSinceEpoch() : -1;
    if (job->resumeAt >= 0) {
        addEvent(job->resumeAt, Event{EventKind::Resume, job, 0,
                                      PendingRun{job->resumeAt, RunTrigger::Scheduled, 1, {}}});
        arm();
    }
    logJob(
        *job, QtInfoMsg, QStringLiteral("Job paused"),
        {{QStringLiteral("reason"), reason},
         {QStringLiteral("by"), pausedBy},
         {QStringLiteral("until"), job->resumeAt >= 0 ? toDateTime(job->resumeAt) : QVariant()}});
    emit jobPauseChanged(job->definition.name, true);
    return true;
}

bool Scheduler::resume(const QString &name)
{
    SchedulerJob *job = findJob(name);
    if (!job)
        return false;
    if (!job->paused)
        return true;
    eraseJobEvents(*job, EventKind::Resume, job->resumeAt);
    job->paused = false;
    job->pauseReason.clear();
    job->pausedBy.clear();
    job->pausedAt = -1;
    job->resumeAt = -1;
    const qint64 missed = std::exchange(job->missedWhilePaused, -1);
    logJob(*job, QtInfoMsg, QStringLiteral("Job resumed"));
    if (m_state == State::Running && m_options.scheduleJobs) {
        const qint64 now = m_clock.nowMSecs();
        scheduleNextDue(*job, now);
        if (missed >= 0)
            catchUpAfterPause(*job, missed, now);
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
    const MissedRunPolicy &policy = job.definition.policies.missed;
    if (!policy.catchUpOnResume)
        return;
    if (policy.catchUpWindow && now - missed > policy.catchUpWindow->count()) {
        logJob(job, QtInfoMsg,
               QStringLiteral("Occurrence missed while paused is outside the catch-up window"),
               {{QStringLiteral("occurrence"), toDateTime(missed)}});
        return;
    }
    logJob(job, QtInfoMsg, QStringLiteral("Catching up the occurrence missed while paused"),
           {{QStringLiteral("occurrence"), toDateTime(missed)}});
    const PendingRun pending{missed, RunTrigger::CatchUp, 1, {}};
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
    auto it = m_active.find(run);
    if (it == m_active.end())
        return false;
    ActiveRun &active = it->second;
    if (active.state->stopSource().requestStop(StopReason::Cancelled))
        logJob(*active.job, QtInfoMsg, QStringLiteral("Cancel requested"),
               {{QStringLiteral("runId"), active.state->shownId()}});
    if (!active.abandon) {
        active.abandon = addEvent(m_clock.nowMSecs() + m_options.abandonGrace.count(),
                                  Event{EventKind::Abandon, active.job, run, {}});
        arm();
    }
    return true;
}

QStringList Scheduler::jobNames() const
{
    QStringList names;
    for (const auto &job : m_jobs)
        names.append(job->definition.name);
    return names;
}

std::optional<JobStatus> Scheduler::jobStatus(const QString &name) const
{
    if (const SchedulerJob *job = findJob(name))
        return statusOf(*job);
    return std::nullopt;
}

QList<JobStatus> Scheduler::jobStatuses() const
{
    QList<JobStatus> statuses;
    statuses.reserve(qsizetype(m_jobs.size()));
    for (const auto &job : m_jobs)
        statuses.append(statusOf(*job));
    return statuses;
}

QList<RunInfo> Scheduler::activeRuns() const
{
    QList<RunInfo> runs;
    for (const auto &entry : m_active)
        runs.append(entry.second.state->info());
    return runs;
}

std::optional<RunProgress> Scheduler::progress(RunId run) const
{
    auto it = m_active.find(run);
    if (it == m_active.end())
        return std::nullopt;
    return it->second.state->progress();
}

// ---- timeline ------------------------------------------------------------------------------

SchedulerJob *Scheduler::findJob(const QString &name) const
{
    return m_jobsByName.value(name, nullptr);
}

// A job's next occurrence is computed after the later of `after` and its last occurrence,
// so a clock set back never brings an occurrence round a second time.
void Scheduler::scheduleNextDue(SchedulerJob &job, qint64 after)
{
    eraseJobEvents(job, EventKind::Due, job.nextDue);
    const qint64 from = std::max(after, job.lastOccurrence);
    job.nextDue = job.definition.schedule.nextMSecs(from);
    if (job.nextDue >= 0)
        addEvent(job.nextDue, Event{EventKind::Due, &job, 0,
                                    PendingRun{job.nextDue, RunTrigger::Scheduled, 1, {}}});
    emit jobScheduled(job.definition.name, toDateTime(job.nextDue));
}

Scheduler::Timeline::iterator Scheduler::addEvent(qint64 at, Event event)
{
    return m_timeline.emplace(at, std::move(event));
}

void Scheduler::eraseEvent(std::optional<Timeline::iterator> &it)
{
    if (it) {
        m_timeline.erase(*it);
        it.reset();
    }
}

void Scheduler::eraseJobEvents(SchedulerJob &job, EventKind kind, qint64 at)
{
    if (at < 0)
        return;
    auto [first, last] = m_timeline.equal_range(at);
    for (auto it = first; it != last;) {
        if (it->second.kind == kind && it->second.job == &job)
            it = m_timeline.erase(it);
        else
            ++it;
    }
}

void Scheduler::wake()
{
    if (m_state != State::Running)
        return;
    waitForImminentEvent();
    const qint64 now = m_clock.nowMSecs();
    while (!m_timeline.empty() && m_timeline.begin()->first <= now) {
        auto it = m_timeline.begin();
        const Event event = it->second;
        const qint64 at = it->first;
        m_timeline.erase(it);
        if (event.kind == EventKind::Due) {
            // Taken off the timeline just above. Left in nextDue, scheduleNextDue would look
            // for it among the events of that instant: with 10,000 jobs due at once, 50
            // million steps through the map.
            event.job->nextDue = -1;
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
    if (m_timeline.empty())
        return;
    const qint64 first = m_timeline.begin()->first;
    const qint64 ahead = first - m_clock.nowMSecs();
    if (ahead > 0 && ahead <= m_clock.precisionLead().count())
        m_clock.waitUntil(first);
}

// One timer, armed for the earliest event (less the clock's precision lead) but never for
// longer than maxWakeInterval: a QTimer cannot wait longer than ~24.8 days, and the bounded
// wake re-reads the wall clock.
void Scheduler::arm()
{
    if (m_state != State::Running || m_timeline.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 ahead = m_timeline.begin()->first - m_clock.nowMSecs();
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
    // Find the latest occurrence that is due; earlier ones are coalesced into it.
    qint64 occurrence = due;
    int coalesced = 0;
    qint64 next = job.definition.schedule.nextMSecs(occurrence);
    while (next >= 0 && next <= now && coalesced < maxCoalesceWalk) {
        occurrence = next;
        ++coalesced;
        next = job.definition.schedule.nextMSecs(occurrence);
    }
    job.lastOccurrence = occurrence;
    if (coalesced > 0) {
        logJob(job, QtWarningMsg, QStringLiteral("Missed occurrences coalesced into one run"),
               {{QStringLiteral("first"), toDateTime(due)},
                {QStringLiteral("count"), coalesced},
                {QStringLiteral("running"), toDateTime(occurrence)}});
        reportSkipped(job, due, SkipReason::Coalesced, coalesced,
                      QStringLiteral("%1 occurrences came due while this instance was not "
                                     "running them (down, asleep or the clock jumped); ran the "
                                     "latest, %2")
                          .arg(coalesced)
                          .arg(IsoTime::format(toDateTime(occurrence), true)));
    }
    scheduleNextDue(job, now);
    logJob(job, QtInfoMsg, QStringLiteral("Next run scheduled"),
           {{QStringLiteral("nextRun"), toDateTime(job.nextDue)}});

    const PendingRun pending{occurrence, RunTrigger::Scheduled, 1, {}};
    if (job.paused) {
        logJob(job, QtInfoMsg, QStringLiteral("Occurrence missed: job is paused"),
               {{QStringLiteral("occurrence"), toDateTime(occurrence)}});
        reportSkipped(job, occurrence, SkipReason::Paused, 1, pausedDetail(job));
        job.missedWhilePaused = occurrence;
        return;
    }
    if (admit(job, pending))
        startRun(job, pending);
}

void Scheduler::setLastOccurrences(const QHash<QString, qint64> &lastOccurrences)
{
    m_lastOccurrences = lastOccurrences;
}

void Scheduler::setUnfinishedOccurrences(const QHash<QString, qint64> &unfinished)
{
    m_unfinishedOccurrences = unfinished;
}

void Scheduler::setEarlierSchedules(
    const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlier)
{
    m_earlierSchedules = earlier;
}

ScheduleTimeline Scheduler::schedulesOf(const SchedulerJob &job) const
{
    return {m_earlierSchedules.value(job.definition.name), job.definition.schedule};
}

// The journal's last occurrence of the job did not get done. When a later one has come due
// meanwhile, catchUp() has dealt with that one (the policy runs the latest); otherwise this
// one is caught up now, under the same policy and window as a missed occurrence.
void Scheduler::catchUpUnfinished(SchedulerJob &job, const ScheduleTimeline &schedules,
                                  qint64 occurrence, qint64 now)
{
    const qint64 next = schedules.nextMSecs(occurrence);
    if (next >= 0 && next <= now)
        return;
    const MissedRunPolicy &policy = job.definition.policies.missed;
    const bool inWindow =
        !policy.catchUpWindow || now - occurrence <= policy.catchUpWindow->count();
    const QVariantMap fields{{QStringLiteral("occurrence"), toDateTime(occurrence)},
                             {QStringLiteral("policy"), toText(policy.action)}};
    if (policy.action != MissedRunPolicy::Action::CatchUp || !inWindow || job.paused) {
        logJob(job, QtWarningMsg,
               QStringLiteral("The last occurrence did not get done and is not caught up (%1)")
                   .arg(job.paused ? QStringLiteral("the job is paused")
                                   : (inWindow ? QStringLiteral("missed-run policy: skip")
                                               : QStringLiteral("outside the catch-up window"))),
               fields);
        return;
    }
    job.lastOccurrence = std::max(job.lastOccurrence, occurrence);
    logJob(job, QtWarningMsg,
           QStringLiteral("The last occurrence did not get done; catching it up"), fields);
    const PendingRun pending{occurrence, RunTrigger::CatchUp, 1, {}};
    if (admit(job, pending))
        startRun(job, pending);
}

// Occurrences in (lastOccurrence, now] were missed while no instance ran the job: those of
// the schedule in force at each moment (`schedules`).
void Scheduler::catchUp(SchedulerJob &job, const ScheduleTimeline &schedules, qint64 lastOccurrence,
                        qint64 now)
{
    qint64 first = schedules.nextMSecs(lastOccurrence);
    if (first < 0 || first > now)
        return;
    qint64 latest = first;
    int count = 1;
    for (qint64 next = schedules.nextMSecs(latest);
         next >= 0 && next <= now && count < maxCoalesceWalk; next = schedules.nextMSecs(latest)) {
        latest = next;
        ++count;
    }
    job.lastOccurrence = latest;
    if (job.paused && latest >= job.pausedAt)
        job.missedWhilePaused = latest; // missed while down and paused
    const MissedRunPolicy &policy = job.definition.policies.missed;
    const bool inWindow = !policy.catchUpWindow || now - latest <= policy.catchUpWindow->count();
    const bool runLatest =
        policy.action == MissedRunPolicy::Action::CatchUp && inWindow && !job.paused;
    const int missed = runLatest ? count - 1 : count;
    if (missed > 0) {
        // Without a catch-up run the row stands at the latest missed occurrence, so that the
        // next start-up begins after it; with one, the catch-up's own row does that.
        const qint64 recordedAt = runLatest ? first : latest;
        reportSkipped(job, recordedAt, SkipReason::Coalesced, missed,
                      QStringLiteral("%1 occurrence(s) from %2 came due while no instance was "
                                     "running; missed-run policy: %3%4")
                          .arg(missed)
                          .arg(IsoTime::format(toDateTime(first), true), toText(policy.action),
                               runLatest ? QStringLiteral(", the latest runs as a catch-up")
                                         : (inWindow ? QString()
                                                     : QStringLiteral(", outside the catch-up "
                                                                      "window"))));
    }
    logJob(job, QtWarningMsg, QStringLiteral("Missed occurrences found at start-up"),
           {{QStringLiteral("count"), count},
            {QStringLiteral("first"), toDateTime(first)},
            {QStringLiteral("latest"), toDateTime(latest)},
            {QStringLiteral("policy"), toText(policy.action)}});
    if (runLatest && admit(job, PendingRun{latest, RunTrigger::CatchUp, 1, {}}))
        startRun(job, PendingRun{latest, RunTrigger::CatchUp, 1, {}});
}

void Scheduler::handleRetry(SchedulerJob &job, const PendingRun &pending)
{
    if (job.paused) {
        reportSkipped(job, pending.occurrence, SkipReason::Paused, 1, pausedDetail(job));
        return;
    }
    if (admit(job, pending))
        startRun(job, pending);
}

void Scheduler::handleResume(SchedulerJob &job, qint64 at)
{
    if (job.paused && job.resumeAt == at)
        resume(job.definition.name);
}

void Scheduler::handleTimeout(RunId run, qint64 now)
{
    auto it = m_active.find(run);
    if (it == m_active.end())
        return;
    ActiveRun &active = it->second;
    active.timeout.reset(); // its event was just taken off the timeline
    if (active.state->stopSource().requestStop(StopReason::TimedOut))
        logJob(*active.job, QtWarningMsg, QStringLiteral("Job timed out; asking it to stop"),
               {{QStringLiteral("runId"), active.state->shownId()},
                {QStringLiteral("timeout"),
                 LogFields::seconds(active.job->definition.policies.timeout.count())}});
    if (!active.abandon)
        active.abandon = addEvent(now + m_options.abandonGrace.count(),
                                  Event{EventKind::Abandon, active.job, run, {}});
}

void Scheduler::handleAbandon(RunId run)
{
    auto it = m_active.find(run);
    if (it == m_active.end())
        return;
    it->second.abandon.reset();
    if (it->second.state->isFinished()) {
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
    if (job.running == 0)
        return true;
    switch (job.definition.policies.overlap) {
    case OverlapPolicy::Parallel:
        return true;
    case OverlapPolicy::Queue:
        if (!job.queued) {
            job.queued = pending;
            logJob(job, QtInfoMsg, QStringLiteral("Run queued behind the running one"),
                   {{QStringLiteral("occurrence"), toDateTime(pending.occurrence)}});
            return false;
        }
        break;
    case OverlapPolicy::Skip:
        break;
    }
    logJob(job, QtInfoMsg, QStringLiteral("Occurrence skipped: job is still running"),
           {{QStringLiteral("occurrence"), toDateTime(pending.occurrence)}});
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
                 toDateTime(pending.occurrence),
                 toDateTime(now),
                 pending.attempt,
                 pending.request.dryRun,
                 pending.request.requestedBy,
                 pending.request.reason,
                 job.definition.schedule.zone()};
    auto state = std::make_shared<RunState>(info, m_mailbox, job.definition.policies.timeout);

    ActiveRun active{state, &job, std::nullopt, std::nullopt};
    if (const auto timeout = job.definition.policies.timeout; timeout.count() > 0)
        active.timeout = addEvent(now + timeout.count(), Event{EventKind::Timeout, &job, id, {}});
    m_active.emplace(id, std::move(active));
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
    m_pool->start([context] { RunExecutor::execute(context); });
    arm();
    return id;
}

void Scheduler::onRunNotified(RunId run)
{
    auto it = m_active.find(run);
    if (it == m_active.end())
        return; // already recorded (abandoned, or finished during stop())
    const auto state = it->second.state;
    if (state->takeProgressChanged()) {
        const RunProgress progress = state->progress();
        emit runProgress(run, progress.done, progress.total, progress.text);
    }
    if (state->isFinished())
        finishRun(run);
}

void Scheduler::finishRun(RunId run, std::optional<RunOutcome> forced, const QString &forcedError)
{
    auto node = m_active.extract(run);
    if (node.empty())
        return;
    ActiveRun &active = node.mapped();
    eraseEvent(active.timeout);
    eraseEvent(active.abandon);
    if (!forced && finishRefused(active))
        return;
    const RunRecord record = recordOf(*active.state, forced, forcedError);
    if (forced && !active.state->isFinished()) {
        m_abandoned.push_back(active.state);
        if (m_journal)
            m_journal->recordAbandoned(active.state, record);
    }

    SchedulerJob &job = *active.job;
    --job.running;
    job.lastOutcome = record.outcome;
    job.lastFinishedAt = record.finishedAt.toMSecsSinceEpoch();
    if (record.outcome == RunOutcome::Succeeded)
        job.lastSuccessAt = job.lastFinishedAt;

    QVariantMap fields{
        {QStringLiteral("runId"), record.storedRunId != 0 ? record.storedRunId : run},
        {QStringLiteral("duration"), LogFields::seconds(record.durationMSecs())}};
    if (record.outcome == RunOutcome::Succeeded) {
        logJob(job, QtInfoMsg, QStringLiteral("Job completed successfully"), fields);
    } else {
        fields.insert(QStringLiteral("outcome"), toText(record.outcome));
        fields.insert(QStringLiteral("error"), record.error);
        logJob(job, QtWarningMsg, QStringLiteral("Job execution failed"), fields);
    }
    emit runFinished(record);
    const bool retrying = maybeScheduleRetry(job, record);
    recordUnclaimed(job, active, retrying);
    startQueued(job);
    arm();
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
    logJob(job, QtInfoMsg, QStringLiteral("Run not started"),
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
    logJob(job, QtInfoMsg, QStringLiteral("Run not started"),
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
    emit occurrenceSkipped(job.definition.name, toDateTime(occurrence), reason, count);
    if (!m_journal)
        return;
    // A skipped occurrence is recorded under its own key, so that no other instance runs it
    // either; a coalesced batch gets a key of its own and never blocks a real run.
    const QString key = reason == SkipReason::Coalesced
                            ? QString()
                            : toDateTime(occurrence).toString(Qt::ISODateWithMs);
    m_journal->recordSkipped(RunJournal::Skipped{job.definition.name, occurrence, key, reason,
                                                 count, m_clock.nowMSecs(), m_options.instanceId,
                                                 detail});
}

void Scheduler::heartbeat(qint64 now)
{
    std::vector<std::shared_ptr<RunState>> runs;
    for (const auto &entry : m_active)
        runs.push_back(entry.second.state);
    m_journal->heartbeat(std::move(runs), now);
    addEvent(now + m_options.heartbeatInterval.count(),
             Event{EventKind::Heartbeat, nullptr, 0, {}});
}

QString Scheduler::pausedDetail(const SchedulerJob &job) const
{
    QString detail = QStringLiteral("The job is paused");
    if (!job.pausedBy.isEmpty())
        detail += QStringLiteral(" by %1").arg(job.pausedBy);
    if (!job.pauseReason.isEmpty())
        detail += QStringLiteral(": %1").arg(job.pauseReason);
    return detail;
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
    if (record.outcome != RunOutcome::Failed && record.outcome != RunOutcome::TimedOut)
        return false;
    const RetryPolicy &policy = job.definition.policies.retry;
    const int attempt = record.info.attempt + 1;
    if (attempt > policy.attempts)
        return false;
    const qint64 at = m_clock.nowMSecs() + policy.delayBefore(attempt, nextUnitRandom()).count();
    if (job.nextDue >= 0 && at >= job.nextDue) {
        logJob(job, QtInfoMsg, QStringLiteral("No retry: the next occurrence comes first"),
               {{QStringLiteral("nextRun"), toDateTime(job.nextDue)}});
        return false;
    }
    PendingRun pending{record.info.occurrence.toMSecsSinceEpoch(), RunTrigger::Retry, attempt,
                       RunRequest{record.info.dryRun, record.info.requestedBy, record.info.reason}};
    addEvent(at, Event{EventKind::Retry, &job, 0, pending});
    logJob(job, QtInfoMsg, QStringLiteral("Retry scheduled"),
           {{QStringLiteral("attempt"), attempt}, {QStringLiteral("at"), toDateTime(at)}});
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

JobStatus Scheduler::statusOf(const SchedulerJob &job) const
{
    JobStatus status;
    status.name = job.definition.name;
    status.description = job.definition.description;
    status.schedule = job.definition.schedule;
    status.policies = job.definition.policies;
    status.nextRun = toDateTime(job.nextDue);
    status.lastOccurrence = toDateTime(job.lastOccurrence);
    status.runningRuns = job.running;
    status.queued = job.queued.has_value();
    status.paused = job.paused;
    status.pauseReason = job.pauseReason;
    status.pausedBy = job.pausedBy;
    status.pausedAt = toDateTime(job.pausedAt);
    status.resumeAt = toDateTime(job.resumeAt);
    status.lastOutcome = job.lastOutcome;
    status.lastFinishedAt = toDateTime(job.lastFinishedAt);
    status.lastSuccessAt = toDateTime(job.lastSuccessAt);
    return status;
}

QDateTime Scheduler::toDateTime(qint64 msecs) const
{
    return msecs < 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

void Scheduler::logJob(const SchedulerJob &job, QtMsgType type, const QString &message,
                       QVariantMap fields) const
{
    const QLoggingCategory &category = job.log->category();
    const QtMsgType level = type == QtFatalMsg ? QtCriticalMsg : type;
    if (!category.isEnabled(level))
        return; // formatting is the expensive part: skip it for filtered-out lines
    fields.insert(QStringLiteral("job"), job.definition.name);
    const QString line = LogFields::format(message, fields);
    switch (type) {
    case QtDebugMsg:
        qCDebug(category).noquote() << line;
        break;
    case QtWarningMsg:
        qCWarning(category).noquote() << line;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        qCCritical(category).noquote() << line;
        break;
    case QtInfoMsg:
        qCInfo(category).noquote() << line;
        break;
    }
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
