#include "service/SchedulerMetrics.h"

#include "engine/Scheduler.h"
#include "service/OpenMetricsText.h"

#include <algorithm>

namespace jc {

namespace {

// Label values of the reasons: the engine's words, with underscores (a label value may
// hold spaces, but a query is easier to type without them).
QString reasonLabel(SkipReason reason)
{
    return toText(reason).replace(u' ', u'_');
}

template <typename Array, typename Value> qsizetype indexOf(const Array &array, Value value)
{
    const auto *const found = std::find(array.cbegin(), array.cend(), value);
    return found == array.cend() ? -1 : qsizetype(found - array.cbegin());
}

} // namespace

SchedulerMetrics::SchedulerMetrics(Scheduler &scheduler, Identity identity, QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_identity(std::move(identity))
{
    connect(&scheduler, &Scheduler::runFinished, this, &SchedulerMetrics::countRun);
    connect(&scheduler, &Scheduler::occurrenceSkipped, this,
            [this](const QString &job, const QDateTime &, SkipReason reason, int count) {
                countMissed(job, reason, count);
            });
}

void SchedulerMetrics::countRun(const RunRecord &record)
{
    const qsizetype outcome = indexOf(endedOutcomes, record.outcome);
    if (outcome < 0)
        return; // not the end of a run (the engine records none such)
    JobCounters &counters = m_jobs[record.info.job];
    ++counters.runs.at(std::size_t(outcome));
    // A clock set back during a run makes its duration negative: counted as 0, since a
    // histogram's sum must not go down.
    const qint64 msecs = std::max<qint64>(0, record.durationMSecs());
    const auto *const bucket =
        std::find_if(durationBuckets.cbegin(), durationBuckets.cend(),
                     [msecs](int bound) { return msecs <= qint64(bound) * 1000; });
    ++counters.durations.at(std::size_t(bucket - durationBuckets.cbegin()));
    counters.durationSumMSecs += msecs;
}

void SchedulerMetrics::countMissed(const QString &job, SkipReason reason, int count)
{
    const qsizetype index = indexOf(missedReasons, reason);
    if (index < 0 || count <= 0)
        return; // claimed elsewhere: another instance runs it, nothing was missed
    m_jobs[job].missed.at(std::size_t(index)) += quint64(count);
}

QByteArray SchedulerMetrics::render() const
{
    QList<JobStatus> jobs = m_scheduler.jobStatuses();
    std::sort(jobs.begin(), jobs.end(),
              [](const JobStatus &a, const JobStatus &b) { return a.name < b.name; });
    QStringList names;
    for (const JobStatus &job : std::as_const(jobs))
        names.append(job.name);
    for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it) {
        if (!names.contains(it.key()))
            names.append(it.key()); // counted, though no longer registered
    }
    std::sort(names.begin(), names.end());
    OpenMetricsText text;
    writeScheduler(text);
    writeJobTimes(text, jobs);
    writeCounters(text, names);
    writeDurations(text, names);
    return text.finish();
}

void SchedulerMetrics::writeScheduler(OpenMetricsText &text) const
{
    text.family("jobconsole_instance", "info", "This Job Console scheduler instance.");
    text.sample("jobconsole_instance_info",
                {{"instance", m_identity.instance}, {"version", m_identity.version}}, "1");
    text.family("jobconsole_scheduler_up", "gauge",
                "1 while the scheduler runs jobs, 0 while it starts or stops.");
    text.sample("jobconsole_scheduler_up", {},
                m_scheduler.state() == Scheduler::State::Running ? "1" : "0");
    const auto lease = m_scheduler.leaseRenewal();
    text.family("jobconsole_lease_renewal_ok", "gauge",
                "1 when the last heartbeat pass refreshed the leases of this instance's running "
                "runs in the database, 0 when it failed (then other instances may take them "
                "for dead once the lease runs out).");
    if (lease)
        text.sample("jobconsole_lease_renewal_ok", {}, lease->ok ? "1" : "0");
    text.family("jobconsole_lease_renewed_timestamp_seconds", "gauge",
                "When a heartbeat pass last refreshed this instance's leases.", "seconds");
    if (lease && lease->renewedAtMSecs > 0)
        text.sample("jobconsole_lease_renewed_timestamp_seconds", {},
                    OpenMetricsText::seconds(lease->renewedAtMSecs));
}

void SchedulerMetrics::writeJobTimes(OpenMetricsText &text, const QList<JobStatus> &jobs) const
{
    const auto instants = [&](const char *name, const char *help, auto instantOf) {
        text.family(name, "gauge", help, "seconds");
        for (const JobStatus &job : jobs) {
            if (const QDateTime at = instantOf(job); at.isValid())
                text.sample(name, {{"job", job.name}},
                            OpenMetricsText::seconds(at.toMSecsSinceEpoch()));
        }
    };
    // Here, or on record at start: the newer.
    const auto newer = [](const QDateTime &here, const QDateTime &recorded) {
        return !recorded.isValid() || (here.isValid() && here >= recorded) ? here : recorded;
    };
    instants("jobconsole_last_run_timestamp_seconds",
             "When the job's last run ended: in this instance, or the newest the database had "
             "on record when the instance started.",
             [&](const JobStatus &job) {
                 return newer(job.lastFinishedAt, m_onRecord.lastRunEnded.value(job.name));
             });
    instants("jobconsole_last_success_timestamp_seconds",
             "When the job's last successful run ended: in this instance, or the newest the "
             "database had on record when the instance started.",
             [&](const JobStatus &job) {
                 return newer(job.lastSuccessAt, m_onRecord.lastSuccess.value(job.name));
             });
    instants("jobconsole_next_run_timestamp_seconds", "The job's next scheduled occurrence.",
             [](const JobStatus &job) { return job.nextRun; });
    text.family("jobconsole_running", "gauge", "Runs of the job going on in this instance.");
    for (const JobStatus &job : jobs)
        text.sample("jobconsole_running", {{"job", job.name}},
                    OpenMetricsText::number(qint64(job.runningRuns)));
}

void SchedulerMetrics::writeCounters(OpenMetricsText &text, const QStringList &jobs) const
{
    text.family("jobconsole_runs", "counter", "Runs that ended in this instance, by outcome.");
    for (const QString &job : jobs) {
        const JobCounters counters = m_jobs.value(job);
        for (std::size_t i = 0; i < endedOutcomes.size(); ++i)
            text.sample("jobconsole_runs_total",
                        {{"job", job}, {"outcome", toText(endedOutcomes.at(i))}},
                        OpenMetricsText::number(counters.runs.at(i)));
    }
    text.family("jobconsole_missed_occurrences", "counter",
                "Occurrences of the job that came due in this instance and did not run, by "
                "reason.");
    for (const QString &job : jobs) {
        const JobCounters counters = m_jobs.value(job);
        for (std::size_t i = 0; i < missedReasons.size(); ++i)
            text.sample("jobconsole_missed_occurrences_total",
                        {{"job", job}, {"reason", reasonLabel(missedReasons.at(i))}},
                        OpenMetricsText::number(counters.missed.at(i)));
    }
}

void SchedulerMetrics::writeDurations(OpenMetricsText &text, const QStringList &jobs) const
{
    text.family("jobconsole_run_duration_seconds", "histogram",
                "How long the runs that ended in this instance took.", "seconds");
    for (const QString &job : jobs) {
        const JobCounters counters = m_jobs.value(job);
        quint64 cumulative = 0;
        for (std::size_t i = 0; i < counters.durations.size(); ++i) {
            cumulative += counters.durations.at(i);
            const QString bound =
                i < durationBuckets.size()
                    ? QString::number(durationBuckets.at(i)) + QStringLiteral(".0")
                    : QStringLiteral("+Inf");
            text.sample("jobconsole_run_duration_seconds_bucket", {{"job", job}, {"le", bound}},
                        OpenMetricsText::number(cumulative));
        }
        text.sample("jobconsole_run_duration_seconds_sum", {{"job", job}},
                    OpenMetricsText::seconds(counters.durationSumMSecs));
        text.sample("jobconsole_run_duration_seconds_count", {{"job", job}},
                    OpenMetricsText::number(cumulative));
    }
}

} // namespace jc
