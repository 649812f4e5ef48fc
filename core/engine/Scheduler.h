#pragma once

#include "common/Expected.h"
#include "engine/CatchUpPlanner.h"
#include "engine/EventTimeline.h"
#include "engine/JobDefinition.h"
#include "engine/JobRegistry.h"
#include "engine/JobStatus.h"
#include "engine/LeaseRenewal.h"
#include "engine/PendingRun.h"
#include "engine/RunJournal.h"
#include "engine/RunProgress.h"
#include "engine/RunRecord.h"
#include "engine/RunRequest.h"
#include "engine/RunSupervisor.h"
#include "engine/SkipReason.h"
#include "engine/StopReport.h"
#include "schedule/ScheduleTimeline.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

namespace jc {

class Clock;
class RunState;
struct SchedulerJob;
class SchedulerJournal;

// The engine: keeps every job's next due instant in one ordered timeline and arms a single
// QTimer for the earliest event, never for longer than maxWakeInterval (ARCHITECTURE.md,
// decision 1). At each wake it re-reads the clock and handles everything that is due, so
// wall-clock jumps, suspend/resume and zone changes need no special handling. Bodies run on
// the scheduler's own QThreadPool; results come back to this thread by queued calls.
//
// Thread: lives on the thread that created it; every member function must be called there
// (asserted in debug builds). Signals are emitted there too. The Clock must outlive the
// scheduler.
//
// Its parts: JobRegistry holds the jobs; EventTimeline orders what is due; CatchUpPlanner
// decides about occurrences that came due unseen; each job's policies decide about overlap
// (admitBeside), retries (RetryPolicy::nextAttempt) and missed runs (MissedRunPolicy); and
// RunSupervisor sees each run from start to end (bodies through RunExecutor on its pool,
// cancel, timeout, abandonment, retry, the queued run). The scheduler itself turns the
// timeline's events into decisions and keeps the journal told (SchedulerJournal).
//
// Occurrences: a job's occurrences strictly increase. When several are due at one wake
// (downtime, suspend, a clock jump forward) the latest runs and the earlier ones are
// reported skipped (Coalesced) and recorded missed. When the clock is set back nothing runs twice:
// a job's next occurrence is always computed after the last one that came due.
class Scheduler : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Running, Stopping, Stopped };
    Q_ENUM(State)

    struct Options
    {
        int maxThreads = 16; // bodies mostly wait on a database: more than the cores
        std::chrono::milliseconds maxWakeInterval{std::chrono::minutes(1)};
        // After a timeout or cancel, how long a body may take to notice before the run is
        // recorded as abandoned and no longer blocks its job.
        std::chrono::milliseconds abandonGrace{std::chrono::seconds(30)};
        // Seeds the retry jitter; 0 = random. Tests set it for reproducible delays.
        quint32 jitterSeed = 0;
        // With a journal: who this instance is in the database (default host:pid), how long
        // a run's heartbeat stays valid, and how often it is refreshed.
        QString instanceId;
        // The process running this instance's runs, recorded with each so that a killed
        // process is known dead at once on its host (ProcessIdentity). JobRuntime sets it;
        // empty (tests that play several instances in one process): the lease alone decides.
        QString holder;
        // The holder's presence lock on PostgreSQL (InstancePresence), recorded with each run
        // so that a holder whose database session ended is known dead from any host; 0: none.
        qint64 sessionLock = 0;
        std::chrono::milliseconds lease{std::chrono::seconds(60)};
        std::chrono::milliseconds heartbeatInterval{std::chrono::seconds(15)};
        // How often, while runs go on, their changed progress and new log lines are written
        // for consoles watching from elsewhere, and cancel requests made there are read
        // (between heartbeats); zero: only with the heartbeat.
        std::chrono::milliseconds liveShareInterval{std::chrono::seconds(2)};
        // False: start() schedules no occurrences; only runNow() starts runs (`jobctl run`).
        bool scheduleJobs = true;
        // With a journal: pauses are the database's (PauseStore), applied here at each poll
        // (JobRuntime sets it). An occurrence that comes due while paused here is recorded
        // missed only while the stored pause stands; if an admin resumed the job from elsewhere
        // an instant before (this instance has not polled yet), it runs after all.
        bool pausesStored = false;
    };

    explicit Scheduler(Clock &clock, QObject *parent = nullptr);
    Scheduler(Clock &clock, const Options &options, QObject *parent = nullptr);
    ~Scheduler() override;

    // Registers a job. Refused (with a message) when the name is empty or taken, the body is
    // missing or the schedule is invalid. May be called before or after start().
    Expected<void, QString> addJob(JobDefinition def);

    // Replaces the definition of the registered job of the same name (its settings changed
    // in the database): later runs use the new body and policies, and the new schedule
    // applies from now: the next occurrence is its first after now (and after the last one
    // that came due), so a change never makes an occurrence due at once and never starts a
    // run. Runs already going keep what they started with. Refused like addJob, or for an
    // unknown job.
    Expected<void, QString> updateJob(JobDefinition def);

    // Records every run, skip and miss in `journal` and claims each occurrence there before
    // running it, so that instances sharing the journal's database run it once. Call before
    // start(); without a journal nothing is recorded (previews, tests of the engine alone).
    void setJournal(std::shared_ptr<RunJournal> journal);
    [[nodiscard]] QString instanceId() const { return m_options.instanceId; }
    [[nodiscard]] const Options &options() const { return m_options; }

    // The last occurrence each job dealt with, as the journal remembers it (epoch ms). At
    // start() the occurrences between it and now are missed ones and each job's missed-run
    // policy decides about them. Call before start(); jobs not named never ran before.
    void setLastOccurrences(const QHash<QString, qint64> &lastOccurrences);

    // The schedules each job followed before its current one, each with the instant it was
    // replaced (the settings-change log), oldest first; those replaced after the job's last
    // occurrence are the ones that matter. start() walks each over the time it was in force
    // (ScheduleTimeline): the occurrences missed are those of the schedule in force at each
    // moment, never the current schedule's before it applied. Jobs not named followed their
    // current schedule throughout. Call before start().
    void setEarlierSchedules(const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlier);

    // The jobs whose last occurrence (as in setLastOccurrences) did not get done: its run
    // failed, timed out, was interrupted or abandoned, or its claim could not reach the
    // database. When no later occurrence has come due, start() catches it up once, under the
    // job's missed-run policy and window, as if it had been missed: a month of the top-up
    // whose run died is finished by the next start, not lost. Call before start().
    //
    // While running, a scheduler with a journal also catches up a job's latest occurrence
    // whose run another instance left `interrupted` (it died, was stopped, or lost its lease),
    // or left failed or timed out and is gone (its pending retry died with it), under the same
    // policy and window, once its heartbeat finds it (RunJournal::
    // unfinishedSince): the instances still running finish the month without a restart. All
    // of them try; the claim lets one take the row over. A paused job waits for its resume.
    void setUnfinishedOccurrences(const QHash<QString, qint64> &unfinished);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const Clock &clock() const { return m_clock; }

    // Computes every job's next occurrence after now and arms the timer.
    void start();

    // Stops new work, cancels running bodies (reason Shutdown: recorded `interrupted`, so a
    // scheduled occurrence is caught up at the next start), waits for them up to `deadline`
    // and reports what did not finish. Blocks the calling thread while waiting: meant for
    // shutdown. Runs still going afterwards are recorded as abandoned.
    StopReport stop(std::chrono::milliseconds deadline);

    // Runs a job now, outside its schedule, obeying its overlap policy: returns the new run's
    // id; 0 when it was queued behind a running run; an error when refused (unknown job,
    // already running under the skip policy, stopping). With request.occurrence, a backfill:
    // the run is the job's run of that past occurrence (trigger Backfill), refused unless the
    // instant is an occurrence of the job's schedule (the error names the nearest ones).
    Expected<RunId, QString> runNow(const QString &name, const RunRequest &request = {});

    // Pause holds a job's scheduled occurrences (each is reported skipped, reason Paused, and
    // recorded missed) until resume() or until `resumeAt` (optional). Manual runs still work.
    // A retry that comes due while paused is held, and runs on resume (unless a later
    // occurrence is caught up then).
    // On resume, a job whose missed-run policy has catchUpOnResume runs the latest occurrence
    // it missed while paused once, as a catch-up, when it is inside the catch-up window.
    // `pausedAt` (default now) is when the pause began: a pause read back from the database
    // after a restart keeps its own, so that the occurrences the job missed while paused
    // before the restart are still caught up on resume (start() finds them in the journal).
    // Returns false for an unknown job.
    bool pause(const QString &name, const QString &reason = {}, const QString &pausedBy = {},
               const QDateTime &resumeAt = {}, const QDateTime &pausedAt = {});
    bool resume(const QString &name);
    void pauseAll(const QString &reason = {}, const QString &pausedBy = {});
    void resumeAll();

    // Requests a running run to stop (reason Cancelled), asked by `requestedBy` (kept with the
    // run: its log and its row's cancel_requested_by/at). False when it is not running here.
    bool cancel(RunId run, const QString &requestedBy = {});

    [[nodiscard]] QStringList jobNames() const;
    [[nodiscard]] std::optional<JobStatus> jobStatus(const QString &name) const;
    [[nodiscard]] QList<JobStatus> jobStatuses() const;
    [[nodiscard]] QList<RunInfo> activeRuns() const;
    [[nodiscard]] std::optional<RunProgress> progress(RunId run) const;
    // How this instance's last heartbeat pass went (leases of its running runs refreshed,
    // dead instances' runs swept), as its journal thread last finished one; nullopt without a
    // journal or before the first pass (one heartbeatInterval after start()). Cheap: no
    // database access (the metrics read it at every scrape).
    [[nodiscard]] std::optional<LeaseRenewal> leaseRenewal() const;

    // Introspection for tests and benchmarks: milliseconds until the wake-up timer fires
    // (-1 when it is not armed), and how many times it has woken the scheduler.
    [[nodiscard]] int msecsUntilWake() const
    {
        return m_timer.isActive() ? m_timer.remainingTime() : -1;
    }
    [[nodiscard]] quint64 wakeCount() const { return m_wakeCount; }

signals:
    void stateChanged(jc::Scheduler::State state);
    void jobScheduled(const QString &job, const QDateTime &nextRun);
    void runStarted(const jc::RunInfo &run);
    void runProgress(jc::RunId run, qint64 done, qint64 total, const QString &text);
    void runFinished(const jc::RunRecord &record);
    // `count` occurrences, the first at `occurrence`, came due and did not run.
    void occurrenceSkipped(const QString &job, const QDateTime &occurrence, jc::SkipReason reason,
                           int count);
    void jobPauseChanged(const QString &job, bool paused);
    // A run that started here never reached its body: another instance had claimed the
    // occurrence, or was running the job (overlap skip). `message` says which.
    void runRefused(const jc::RunInfo &run, jc::SkipReason reason, const QString &message);

private:
    using Event = EventTimeline::Event;
    using EventKind = EventTimeline::Kind;

    // Q_ASSERTs that the caller is on the scheduler's thread, as the class comment requires.
    void assertOwnThread(const char *where) const;
    void scheduleNextDue(SchedulerJob &job, qint64 after);
    void wake();
    void arm();
    void waitForImminentEvent();
    void handle(const Event &event, qint64 now);
    void handleDue(SchedulerJob &job, qint64 due, qint64 now);
    void startJob(SchedulerJob &job, qint64 now);
    void catchUp(SchedulerJob &job, const CatchUpPlanner::StartUp &plan);
    bool catchUpAfterPause(SchedulerJob &job, qint64 missed, qint64 now);
    void runHeldRetry(SchedulerJob &job, const PendingRun &held, bool laterCaughtUp);
    void catchUpUnfinished(SchedulerJob &job, const CatchUpPlanner::Unfinished &plan);
    void catchUpUnfinished(const QList<RunJournal::UnfinishedRun> &runs);
    void catchUpUnfinished(SchedulerJob &job, const RunJournal::UnfinishedRun &run, qint64 now);
    void runAfterStoredResume(const QString &name, qint64 occurrence);
    [[nodiscard]] std::optional<qint64> latestOccurrence(const SchedulerJob &job) const;
    [[nodiscard]] std::optional<qint64> unfinishedSince() const;
    void runIfAdmitted(SchedulerJob &job, const PendingRun &pending);
    void handleRetry(SchedulerJob &job, const PendingRun &pending);
    void handleResume(SchedulerJob &job, qint64 at);
    bool admit(SchedulerJob &job, const PendingRun &pending);
    void reportSkipped(SchedulerJob &job, qint64 occurrence, SkipReason reason, int count,
                       const QString &detail, bool whileStoredPauseStands = false);
    void heartbeat(qint64 now);
    void setState(State state);
    static RunSupervisor::Settings supervisorSettings(const Options &options);
    void forwardRunSignals();

    Clock &m_clock;
    Options m_options;
    State m_state = State::Idle;
    JobRegistry m_jobs;
    EventTimeline m_timeline;
    CatchUpPlanner m_planner;
    quint64 m_wakeCount = 0;
    QTimer m_timer;
    RunSupervisor m_runs; // after m_timeline, which it uses
    std::unique_ptr<SchedulerJournal> m_journal;
};

} // namespace jc
