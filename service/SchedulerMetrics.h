#pragma once

#include "engine/RunOutcome.h"
#include "engine/RunRecord.h"
#include "engine/SkipReason.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <array>
#include <utility>

namespace jc {

class OpenMetricsText;
class Scheduler;
struct JobStatus;

// What `jobctl serve --metrics` reports about its scheduler, as OpenMetrics text (render()).
// Counters it keeps itself from the scheduler's signals (since this object was created):
// runs by outcome, occurrences missed by reason, the run-duration histogram. Everything
// else it reads from the scheduler at render time, in memory: each job's last run, last
// success and next run (JobStatus), runs going on, the scheduler's state and the lease
// renewal of its journal. No database access per scrape.
//
// Families (all prefixed jobconsole_, per-job ones labelled job="NAME"):
//   instance_info{instance,version}                 info, 1
//   scheduler_up                                    gauge: 1 while Running, else 0
//   lease_renewal_ok                                gauge: the last heartbeat pass wrote
//   lease_renewed_timestamp_seconds                 gauge: the last pass that did
//                                                   (both absent before the first pass)
//   last_run_timestamp_seconds{job}                 gauge: when its last run ended
//   last_success_timestamp_seconds{job}             gauge: when its last success ended
//                                                   (these two: here, or the newest the
//                                                   database had on record at start)
//   next_run_timestamp_seconds{job}                 gauge: its next occurrence
//                                                   (these three: no sample while unknown)
//   running{job}                                    gauge: its runs going on here
//   runs_total{job,outcome}                         counter: runs that ended here, by outcome
//                                                   (succeeded failed cancelled timed_out
//                                                   abandoned interrupted; all 0 at first)
//   missed_occurrences_total{job,reason}            counter: occurrences that did not run
//                                                   (paused overlap coalesced
//                                                   database_unavailable stopping; one that
//                                                   another instance claimed is not missed)
//   run_duration_seconds{job}                       histogram of the runs that ended here
//
// Thread: lives on the scheduler's thread (its signals arrive there directly); render() is
// called there too. The scheduler must outlive this object.
class SchedulerMetrics : public QObject
{
    Q_OBJECT
public:
    struct Identity
    {
        QString instance; // the scheduler's instance id
        QString version;  // of the program
    };

    // Upper bounds of the run-duration buckets, in seconds (and +Inf): from a second to four
    // hours, the span of the maintenance jobs (a cleanup takes seconds, the top-up minutes).
    static constexpr std::array<int, 11> durationBuckets{1,   5,    15,   30,   60,   300,
                                                         900, 1800, 3600, 7200, 14400};
    // The outcomes of a run that ended, in the order they are written.
    static constexpr std::array<RunOutcome, 6> endedOutcomes{
        RunOutcome::Succeeded, RunOutcome::Failed,    RunOutcome::Cancelled,
        RunOutcome::TimedOut,  RunOutcome::Abandoned, RunOutcome::Interrupted};
    // The reasons an occurrence is missed (every SkipReason but ClaimedElsewhere).
    static constexpr std::array<SkipReason, 5> missedReasons{
        SkipReason::Paused, SkipReason::Overlap, SkipReason::Coalesced,
        SkipReason::DatabaseUnavailable, SkipReason::Stopping};

    // What the database had on record when this instance started, per job: when its latest
    // run ended and when its latest real success did (RunHistory's per-job answers).
    struct OnRecord
    {
        QHash<QString, QDateTime> lastRunEnded;
        QHash<QString, QDateTime> lastSuccess;
    };

    SchedulerMetrics(Scheduler &scheduler, Identity identity, QObject *parent = nullptr);

    // The last run and success of each job until it runs here (the newer of the two wins), so
    // that a restart does not leave a job's last success unknown until it runs again (a
    // month, for the top-up) and an alert on "no success for X" keeps working.
    void setOnRecord(OnRecord onRecord) { m_onRecord = std::move(onRecord); }

    // The OpenMetrics text of every family, ending in "# EOF".
    QByteArray render() const;

private:
    struct JobCounters
    {
        std::array<quint64, endedOutcomes.size()> runs{};
        std::array<quint64, missedReasons.size()> missed{};
        // Runs per bucket (not cumulative: render() adds up), the last one +Inf.
        std::array<quint64, durationBuckets.size() + 1> durations{};
        qint64 durationSumMSecs = 0;
    };

    void countRun(const RunRecord &record);
    void countMissed(const QString &job, SkipReason reason, int count);
    void writeScheduler(OpenMetricsText &text) const;
    void writeJobTimes(OpenMetricsText &text, const QList<JobStatus> &jobs) const;
    void writeCounters(OpenMetricsText &text, const QStringList &jobs) const;
    void writeDurations(OpenMetricsText &text, const QStringList &jobs) const;

    Scheduler &m_scheduler;
    Identity m_identity;
    OnRecord m_onRecord;
    QHash<QString, JobCounters> m_jobs;
};

} // namespace jc
