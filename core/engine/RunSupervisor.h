#pragma once

#include "engine/ActiveRuns.h"
#include "engine/EventTimeline.h"
#include "engine/PendingRun.h"
#include "engine/RunInfo.h"
#include "engine/RunOutcome.h"
#include "engine/RunProgress.h"
#include "engine/RunRecord.h"
#include "engine/RunState.h"
#include "engine/SkipReason.h"
#include "engine/StopReport.h"

#include <QObject>

#include <chrono>
#include <memory>
#include <optional>

namespace jc {

class Clock;
class SchedulerJournal;
class SchedulerMailbox;
struct SchedulerJob;

// Sees each run of a scheduler's jobs from start to end: starts it (its body goes to the pool,
// which claims the occurrence first), passes on its progress, asks it to stop (cancel,
// timeout, shutdown), gives up on it after the grace period, and when it ended keeps the job's
// books and does what follows: a retry under the job's retry policy, the run queued behind it,
// the missed row of an occurrence whose claim could not reach the database.
//
// The Scheduler decides which runs start (occurrences, policies, pauses); this part carries
// them out. Its signals are the Scheduler's (it forwards them), in the same order.
// Thread: the scheduler's; bodies report through a mailbox queued to this thread.
class RunSupervisor : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        int maxThreads = 16;
        std::chrono::milliseconds abandonGrace{std::chrono::seconds(30)};
        quint32 jitterSeed = 0; // 0: random
        // What each claim carries (see RunJournal::ClaimRequest).
        qint64 leaseMSecs = 60000;
        QString instanceId;
        QString holder;
        qint64 sessionLock = 0;
        // How often, while runs go on, their changed progress and new log lines go to the
        // journal and cancel requests come from it (RunJournal::shareLive); zero: only with
        // the heartbeat.
        std::chrono::milliseconds liveShareInterval{std::chrono::seconds(2)};
    };

    // Timeout, abandon and retry events go on `timeline`; `clock` and `timeline` must outlive
    // this.
    RunSupervisor(Clock &clock, EventTimeline &timeline, const Settings &settings,
                  QObject *parent = nullptr);
    ~RunSupervisor() override;

    // Runs record to `journal` (owned by the scheduler; null: nothing is recorded).
    void setJournal(SchedulerJournal *journal) { m_journal = journal; }
    // Retries are scheduled only while the scheduler runs; queued runs start unless it stops.
    void setAccepting(bool retries, bool queuedRuns);

    // Starts a run of `job` for `pending`, now; returns its id (this process's).
    RunId start(SchedulerJob &job, const PendingRun &pending);
    // Asks the run to stop (Cancelled) and gives it the grace period. False: not running here.
    bool cancel(RunId run, const QString &requestedBy);
    // The run's timeout event came: asks it to stop (TimedOut) and gives it the grace period.
    void timeOut(RunId run, qint64 now);
    // The grace period is over: the run is recorded abandoned unless it has ended meanwhile.
    void giveUpOn(RunId run);
    // The ShareLive event came: the runs' news goes to the journal, and the next pass is set
    // while runs go on.
    void shareLive();
    // Shutdown: asks every body to stop, waits up to `deadline`, and records each run as it
    // ended or as abandoned.
    StopReport stopAll(std::chrono::milliseconds deadline);

    [[nodiscard]] const QString &instanceId() const { return m_settings.instanceId; }
    [[nodiscard]] bool empty() const { return m_runs.empty(); }
    [[nodiscard]] std::size_t size() const { return m_runs.size(); }
    [[nodiscard]] QList<RunInfo> infos() const { return m_runs.infos(); }
    [[nodiscard]] std::optional<RunProgress> progress(RunId run) const
    {
        return m_runs.progress(run);
    }
    [[nodiscard]] std::vector<std::shared_ptr<RunState>> states() const { return m_runs.states(); }

signals:
    void runStarted(const jc::RunInfo &run);
    void runProgress(jc::RunId run, qint64 done, qint64 total, const QString &text);
    void runFinished(const jc::RunRecord &record);
    void runRefused(const jc::RunInfo &run, jc::SkipReason reason, const QString &message);
    // A refused claim: the journal already has the occurrence's row.
    void occurrenceSkipped(const QString &job, const QDateTime &occurrence, jc::SkipReason reason,
                           int count);
    // An occurrence that did not run and has no row: the scheduler reports and records it.
    void occurrenceNotRun(jc::SchedulerJob *job, qint64 occurrence, jc::SkipReason reason,
                          const QString &detail);
    // Events were added to the timeline: the scheduler re-arms its timer.
    void timelineChanged();

private:
    void onNotified(RunId run);
    void shareLiveLater();
    void finish(RunId run, std::optional<RunOutcome> forced = std::nullopt,
                const QString &forcedError = {});
    bool finishRefused(const ActiveRuns::Run &active);
    static SkipReason skipReasonOf(RunState::Refusal::Kind kind);
    static void holdForResume(SchedulerJob &job, const RunInfo &info);
    static Settings withInstanceId(Settings settings);
    void keepBooks(SchedulerJob &job, RunId run, const RunRecord &record, bool claimFailed);
    bool scheduleRetry(SchedulerJob &job, const RunRecord &record);
    void recordUnclaimed(SchedulerJob &job, const ActiveRuns::Run &active, bool retrying);
    void startQueued(SchedulerJob &job);
    double nextUnitRandom();

    Clock &m_clock;
    EventTimeline &m_timeline;
    Settings m_settings;
    ActiveRuns m_runs;
    std::shared_ptr<SchedulerMailbox> m_mailbox;
    SchedulerJournal *m_journal = nullptr;
    RunId m_lastRunId = 0;
    bool m_retries = false;
    bool m_queuedRuns = true;
    bool m_shareLiveSet = false; // a ShareLive event is on the timeline
    quint32 m_randomState;
};

} // namespace jc
