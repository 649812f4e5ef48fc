// The metrics of a real scheduler on a manual clock: runs of every outcome, missed
// occurrences of every kind, the duration histogram, the gauges, the lease. Bodies run on
// real worker threads; completion is awaited with QTRY_*, instants are exact.
#include "JobGate.h"
#include "OpenMetricsParser.h"

#include "engine/JobContext.h"
#include "engine/ManualClock.h"
#include "engine/RunJournal.h"
#include "engine/Scheduler.h"
#include "service/SchedulerMetrics.h"

#include <QMutex>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <memory>

using namespace jc;
using namespace std::chrono_literals;
using jc::test::Exposition;
using jc::test::Labels;
using jc::test::parseOpenMetrics;

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

JobDefinition job(const char *name, const char *schedule, JobDefinition::Body body,
                  JobPolicies policies = {})
{
    auto parsed = Schedule::parse(QString::fromLatin1(schedule), QTimeZone("UTC"));
    if (!parsed)
        qFatal("bad test schedule %s", schedule);
    return JobDefinition{QString::fromLatin1(name), QStringLiteral("test job"), parsed.value(),
                         std::move(body), policies};
}

using Gate = jc::test::JobGate;

// A journal in memory that takes every write, or (down) none, or tells each heartbeat that
// another instance took this one's runs for dead (lose). Thread-safe.
class FakeJournal final : public RunJournal
{
public:
    Claim claim(const ClaimRequest &) override
    {
        QMutexLocker lock(&m_mutex);
        return {Claim::Status::Claimed, ++m_lastId, {}};
    }
    Expected<LiveReply, QString> shareLive(const QList<LiveRun> &, qint64, const QString &) override
    {
        return LiveReply{};
    }
    Expected<HeartbeatReply, QString> heartbeat(const QList<LiveRun> &runs, qint64,
                                                const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        if (down)
            return Unexpected(QStringLiteral("database unreachable"));
        HeartbeatReply reply;
        for (const LiveRun &run : runs) {
            if (lose)
                reply.lost.append({run.storedRunId, QStringLiteral("marked interrupted")});
        }
        return reply;
    }
    Expected<void, QString> finish(qint64, const RunRecord &, const QList<LogLine> &, int) override
    {
        return {};
    }
    Expected<SkipRecord, QString> recordSkipped(const Skipped &) override
    {
        return SkipRecord::Recorded;
    }
    Expected<int, QString> interruptStale(qint64, qint64, const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        if (down)
            return Unexpected(QStringLiteral("database unreachable"));
        return 0;
    }
    Expected<QList<UnfinishedRun>, QString> unfinishedSince(qint64, qint64, qint64,
                                                            const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        if (down)
            return Unexpected(QStringLiteral("database unreachable"));
        return QList<UnfinishedRun>();
    }

    std::atomic<bool> down{false};
    std::atomic<bool> lose{false};

private:
    QMutex m_mutex;
    qint64 m_lastId = 0;
};

// An instant as the metrics write it: seconds since the epoch.
double epochSeconds(const char *iso)
{
    return double(utc(iso).toMSecsSinceEpoch()) / 1000;
}

} // namespace

class tst_SchedulerMetrics : public QObject
{
    Q_OBJECT

private:
    // The current text, which must parse; every family prefixed jobconsole_.
    static Exposition scrape(const SchedulerMetrics &source)
    {
        const Exposition parsed = parseOpenMetrics(source.render());
        if (!parsed.error.isEmpty())
            qWarning().noquote() << parsed.error << '\n' << source.render();
        for (const auto &family : parsed.families) {
            if (!family.name.startsWith(QStringLiteral("jobconsole_")))
                qWarning() << "family without the prefix:" << family.name;
        }
        return parsed;
    }
    static Labels runLabels(const QString &job, const QString &outcome)
    {
        return {{QStringLiteral("job"), job}, {QStringLiteral("outcome"), outcome}};
    }
    static Labels jobLabel(const QString &job) { return {{QStringLiteral("job"), job}}; }

    // Every job has every outcome and reason, and its histogram is well formed: cumulative,
    // ending in +Inf, whose count is _count.
    static bool checkShape(const Exposition &parsed, const QStringList &jobs)
    {
        for (const QString &name : jobs) {
            for (RunOutcome outcome : SchedulerMetrics::endedOutcomes) {
                if (!parsed.value(QStringLiteral("jobconsole_runs_total"),
                                  runLabels(name, toText(outcome)))) {
                    qWarning() << "no runs_total for" << name << toText(outcome);
                    return false;
                }
            }
            if (parsed
                    .samples(QStringLiteral("jobconsole_missed_occurrences_total"), jobLabel(name))
                    .size() != qsizetype(SchedulerMetrics::missedReasons.size()))
                return false;
            const auto buckets = parsed.samples(
                QStringLiteral("jobconsole_run_duration_seconds_bucket"), jobLabel(name));
            if (buckets.size() != qsizetype(SchedulerMetrics::durationBuckets.size() + 1) ||
                buckets.last().labels.value(QStringLiteral("le")) != QStringLiteral("+Inf"))
                return false;
            for (qsizetype i = 1; i < buckets.size(); ++i) {
                if (buckets.at(i).value < buckets.at(i - 1).value)
                    return false;
            }
            if (parsed.value(QStringLiteral("jobconsole_run_duration_seconds_count"),
                             jobLabel(name)) != buckets.last().value)
                return false;
        }
        return true;
    }
    static double bucket(const Exposition &parsed, const QString &job, const char *le)
    {
        return parsed
            .value(QStringLiteral("jobconsole_run_duration_seconds_bucket"),
                   {{QStringLiteral("job"), job}, {QStringLiteral("le"), QString::fromLatin1(le)}})
            .value_or(-1);
    }

private slots:
    void init()
    {
        clock = std::make_unique<ManualClock>(utc("2026-01-15T10:00:00Z"));
        Scheduler::Options options;
        options.jitterSeed = 42;
        options.abandonGrace = 10s;
        options.instanceId = QStringLiteral("test:1");
        scheduler = std::make_unique<Scheduler>(*clock, options);
        metrics = std::make_unique<SchedulerMetrics>(
            *scheduler,
            SchedulerMetrics::Identity{QStringLiteral("test:1"), QStringLiteral("9.9")});
    }
    void cleanup()
    {
        metrics.reset();
        scheduler.reset();
        clock.reset();
    }

    // Before anything ran: every family there, counters at 0, no last run, the next run set,
    // the scheduler not yet up; no lease without a journal.
    void beforeAnyRun()
    {
        QVERIFY(scheduler->addJob(
            job("Hourly", "0 * * * *", [](JobContext &) { return JobResult::success(); })));
        Exposition parsed = scrape(*metrics);
        QVERIFY(parsed.error.isEmpty());
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_scheduler_up")), 0.0);
        scheduler->start();
        parsed = scrape(*metrics);
        QVERIFY(parsed.error.isEmpty());
        QVERIFY(checkShape(parsed, {QStringLiteral("Hourly")}));
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_scheduler_up")), 1.0);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_instance_info"),
                              {{QStringLiteral("instance"), QStringLiteral("test:1")},
                               {QStringLiteral("version"), QStringLiteral("9.9")}}),
                 1.0);
        for (const char *family :
             {"jobconsole_last_run_timestamp_seconds", "jobconsole_last_success_timestamp_seconds",
              "jobconsole_next_run_timestamp_seconds", "jobconsole_running", "jobconsole_runs",
              "jobconsole_missed_occurrences", "jobconsole_run_duration_seconds",
              "jobconsole_lease_renewal_ok", "jobconsole_lease_renewed_timestamp_seconds"})
            QVERIFY2(parsed.family(QString::fromLatin1(family)), family);
        QCOMPARE(parsed.family(QStringLiteral("jobconsole_runs"))->type, QStringLiteral("counter"));
        QCOMPARE(parsed.family(QStringLiteral("jobconsole_run_duration_seconds"))->type,
                 QStringLiteral("histogram"));
        QVERIFY(parsed.samples(QStringLiteral("jobconsole_last_run_timestamp_seconds")).isEmpty());
        QVERIFY(parsed.samples(QStringLiteral("jobconsole_lease_renewal_ok")).isEmpty());
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_next_run_timestamp_seconds"),
                              jobLabel(QStringLiteral("Hourly"))),
                 epochSeconds("2026-01-15T11:00:00Z"));
        QCOMPARE(
            parsed.value(QStringLiteral("jobconsole_running"), jobLabel(QStringLiteral("Hourly"))),
            0.0);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_runs_total"),
                              runLabels(QStringLiteral("Hourly"), QStringLiteral("succeeded"))),
                 0.0);

        scheduler->stop(5s);
        QCOMPARE(scrape(*metrics).value(QStringLiteral("jobconsole_scheduler_up")), 0.0);
    }

    // After a restart the last run and success are the database's, until the job runs here:
    // then this instance's own, the newer; a job with nothing on record has no sample.
    void onRecordUntilTheJobRunsHere()
    {
        Gate gate;
        QVERIFY(scheduler->addJob(
            job("Monthly", "0 0 1 * *", [&](JobContext &c) { return gate.pass(c); })));
        QVERIFY(scheduler->addJob(
            job("Never", "0 0 1 1 *", [](JobContext &) { return JobResult::success(); })));
        SchedulerMetrics::OnRecord onRecord;
        onRecord.lastRunEnded.insert(QStringLiteral("Monthly"), utc("2026-01-10T00:03:00Z"));
        onRecord.lastSuccess.insert(QStringLiteral("Monthly"), utc("2026-01-01T00:05:00Z"));
        metrics->setOnRecord(onRecord);
        scheduler->start();
        const auto lastRun = [this](const char *name) {
            return scrape(*metrics).value(QStringLiteral("jobconsole_last_run_timestamp_seconds"),
                                          jobLabel(QString::fromLatin1(name)));
        };
        const auto lastSuccess = [this](const char *name) {
            return scrape(*metrics).value(
                QStringLiteral("jobconsole_last_success_timestamp_seconds"),
                jobLabel(QString::fromLatin1(name)));
        };
        QCOMPARE(lastRun("Monthly"), epochSeconds("2026-01-10T00:03:00Z"));
        QCOMPARE(lastSuccess("Monthly"), epochSeconds("2026-01-01T00:05:00Z"));
        QVERIFY(!lastRun("Never").has_value());
        QVERIFY(!lastSuccess("Never").has_value());

        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        QVERIFY(scheduler->runNow(QStringLiteral("Monthly")));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        clock->setNow(utc("2026-01-15T10:00:30Z"));
        gate.open.release();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(lastRun("Monthly"), epochSeconds("2026-01-15T10:00:30Z"));
        QCOMPARE(lastSuccess("Monthly"), epochSeconds("2026-01-15T10:00:30Z"));
        scheduler->stop(5s);
    }

    // One run of each outcome, each taking a known time on the manual clock.
    void runsOfEachOutcome()
    {
        Gate slow;
        Gate cancelled;
        auto abandonedRelease = std::make_shared<QSemaphore>();
        JobPolicies timeout30;
        timeout30.timeout = 30s;
        JobPolicies timeout5;
        timeout5.timeout = 5s;
        QVERIFY(scheduler->addJob(
            job("Slow", "0 0 1 1 *", [&](JobContext &c) { return slow.pass(c); })));
        QVERIFY(scheduler->addJob(job("Failing", "0 0 1 1 *", [](JobContext &) {
            return JobResult::failure(QStringLiteral("broken"));
        })));
        QVERIFY(scheduler->addJob(job(
            "Timed", "0 0 1 1 *",
            [](JobContext &context) {
                while (context.sleepFor(1h)) {
                }
                return JobResult::failure(QStringLiteral("gave up"));
            },
            timeout30)));
        QVERIFY(scheduler->addJob(
            job("Cancelled", "0 0 1 1 *", [&](JobContext &c) { return cancelled.pass(c); })));
        QVERIFY(scheduler->addJob(job(
            "Stubborn", "0 0 1 1 *",
            [abandonedRelease](JobContext &) {
                abandonedRelease->acquire();
                return JobResult::success();
            },
            timeout5)));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();

        // Slow: 42 s, succeeded; running 1 meanwhile.
        QVERIFY(scheduler->runNow(QStringLiteral("Slow")));
        QVERIFY(slow.entered.tryAcquire(1, 5000));
        QCOMPARE(scrape(*metrics).value(QStringLiteral("jobconsole_running"),
                                        jobLabel(QStringLiteral("Slow"))),
                 1.0);
        clock->setNow(utc("2026-01-15T10:00:42Z"));
        slow.open.release();
        QTRY_COMPARE(finished.count(), 1);
        // Failing: at once (0 s).
        QVERIFY(scheduler->runNow(QStringLiteral("Failing")));
        QTRY_COMPARE(finished.count(), 2);
        // Timed: 30 s, timed out.
        QVERIFY(scheduler->runNow(QStringLiteral("Timed")));
        QTRY_COMPARE(scheduler->jobStatus(QStringLiteral("Timed"))->runningRuns, 1);
        clock->setNow(utc("2026-01-15T10:01:12Z"));
        QTRY_COMPARE(finished.count(), 3);
        // Cancelled: 1 h, cancelled.
        const auto cancelId = scheduler->runNow(QStringLiteral("Cancelled"));
        QVERIFY(cancelId);
        QVERIFY(cancelled.entered.tryAcquire(1, 5000));
        clock->setNow(utc("2026-01-15T11:01:12Z"));
        QVERIFY(scheduler->cancel(cancelId.value()));
        QTRY_COMPARE(finished.count(), 4);
        // Stubborn: abandoned 5 s + 10 s grace after it started.
        QVERIFY(scheduler->runNow(QStringLiteral("Stubborn")));
        QTRY_COMPARE(scheduler->jobStatus(QStringLiteral("Stubborn"))->runningRuns, 1);
        clock->setNow(utc("2026-01-15T11:01:17Z"));
        clock->setNow(utc("2026-01-15T11:01:27Z"));
        QTRY_COMPARE(finished.count(), 5);
        abandonedRelease->release();

        const Exposition parsed = scrape(*metrics);
        QVERIFY(parsed.error.isEmpty());
        const QStringList jobs{QStringLiteral("Slow"), QStringLiteral("Failing"),
                               QStringLiteral("Timed"), QStringLiteral("Cancelled"),
                               QStringLiteral("Stubborn")};
        QVERIFY(checkShape(parsed, jobs));
        const QStringList outcomes{QStringLiteral("succeeded"), QStringLiteral("failed"),
                                   QStringLiteral("timed_out"), QStringLiteral("cancelled"),
                                   QStringLiteral("abandoned")};
        for (qsizetype i = 0; i < jobs.size(); ++i) {
            for (RunOutcome outcome : SchedulerMetrics::endedOutcomes) {
                const double expected = toText(outcome) == outcomes.at(i) ? 1 : 0;
                QCOMPARE(parsed.value(QStringLiteral("jobconsole_runs_total"),
                                      runLabels(jobs.at(i), toText(outcome))),
                         expected);
            }
            QCOMPARE(parsed.value(QStringLiteral("jobconsole_running"), jobLabel(jobs.at(i))), 0.0);
        }

        // Durations: Slow 42 s (le 60), Failing 0 s (le 1), Timed 30 s (le 30: bounds are
        // inclusive), Cancelled 3600 s (le 3600), Stubborn 15 s (le 15).
        QCOMPARE(bucket(parsed, QStringLiteral("Slow"), "30.0"), 0.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Slow"), "60.0"), 1.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Failing"), "1.0"), 1.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Timed"), "15.0"), 0.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Timed"), "30.0"), 1.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Cancelled"), "1800.0"), 0.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Cancelled"), "3600.0"), 1.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Stubborn"), "5.0"), 0.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Stubborn"), "15.0"), 1.0);
        QCOMPARE(bucket(parsed, QStringLiteral("Stubborn"), "+Inf"), 1.0);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_run_duration_seconds_sum"),
                              jobLabel(QStringLiteral("Slow"))),
                 42.0);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_run_duration_seconds_sum"),
                              jobLabel(QStringLiteral("Cancelled"))),
                 3600.0);

        // Last run and last success: Slow succeeded at 10:00:42, Failing only failed.
        const auto lastRun = [&](const char *name) {
            return parsed.value(QStringLiteral("jobconsole_last_run_timestamp_seconds"),
                                jobLabel(QString::fromLatin1(name)));
        };
        QCOMPARE(lastRun("Slow"), epochSeconds("2026-01-15T10:00:42Z"));
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_last_success_timestamp_seconds"),
                              jobLabel(QStringLiteral("Slow"))),
                 epochSeconds("2026-01-15T10:00:42Z"));
        QCOMPARE(lastRun("Failing"), epochSeconds("2026-01-15T10:00:42Z"));
        QVERIFY(!parsed.value(QStringLiteral("jobconsole_last_success_timestamp_seconds"),
                              jobLabel(QStringLiteral("Failing"))));
        QCOMPARE(lastRun("Cancelled"), epochSeconds("2026-01-15T11:01:12Z"));
        scheduler->stop(5s);
    }

    // Interrupted: a heartbeat learns that another instance took the run for dead. With a
    // journal, the lease's gauges follow the heartbeats.
    void interruptedRunAndLease()
    {
        Scheduler::Options options;
        options.jitterSeed = 42;
        options.instanceId = QStringLiteral("test:1");
        options.heartbeatInterval = 10s;
        Scheduler journaled(*clock, options);
        auto journal = std::make_shared<FakeJournal>();
        journaled.setJournal(journal);
        SchedulerMetrics journaledMetrics(journaled,
                                          {QStringLiteral("test:1"), QStringLiteral("9.9")});
        Gate gate;
        QVERIFY(journaled.addJob(
            job("Held", "0 0 1 1 *", [&](JobContext &c) { return gate.pass(c); })));
        QSignalSpy finished(&journaled, &Scheduler::runFinished);
        journaled.start();
        QVERIFY(journaled.runNow(QStringLiteral("Held")));
        QVERIFY(gate.entered.tryAcquire(1, 5000));

        clock->setNow(utc("2026-01-15T10:00:10Z")); // a good heartbeat
        QTRY_VERIFY(journaled.leaseRenewal());
        Exposition parsed = scrape(journaledMetrics);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_lease_renewal_ok")), 1.0);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_lease_renewed_timestamp_seconds")),
                 epochSeconds("2026-01-15T10:00:10Z"));

        journal->down = true; // a failed one: the last good instant stays
        clock->setNow(utc("2026-01-15T10:00:20Z"));
        QTRY_VERIFY(!journaled.leaseRenewal()->ok);
        parsed = scrape(journaledMetrics);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_lease_renewal_ok")), 0.0);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_lease_renewed_timestamp_seconds")),
                 epochSeconds("2026-01-15T10:00:10Z"));

        journal->down = false;
        journal->lose = true; // the run was taken for dead: it stops, interrupted
        clock->setNow(utc("2026-01-15T10:00:30Z"));
        QTRY_COMPARE(finished.count(), 1);
        parsed = scrape(journaledMetrics);
        QVERIFY(parsed.error.isEmpty());
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_runs_total"),
                              runLabels(QStringLiteral("Held"), QStringLiteral("interrupted"))),
                 1.0);
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_lease_renewal_ok")), 1.0);
        journaled.stop(5s);
        QCOMPARE(scrape(journaledMetrics).value(QStringLiteral("jobconsole_scheduler_up")), 0.0);
    }

    // Missed occurrences by reason: paused, overlap (a run still going), coalesced (the clock
    // jumped over several); an occurrence that ran is not missed.
    void missedOccurrences()
    {
        Gate gate;
        QVERIFY(scheduler->addJob(
            job("Paused", "*/10 * * * *", [](JobContext &) { return JobResult::success(); })));
        QVERIFY(scheduler->addJob(
            job("Overlapping", "*/10 * * * *", [&](JobContext &c) { return gate.pass(c); })));
        QVERIFY(scheduler->addJob(
            job("Jumped", "0 * * * *", [](JobContext &) { return JobResult::success(); })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        QVERIFY(scheduler->pause(QStringLiteral("Paused")));
        clock->setNow(utc("2026-01-15T10:10:00Z")); // Paused: missed; Overlapping: runs
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        clock->setNow(utc("2026-01-15T10:20:00Z")); // Paused: missed; Overlapping: missed
        const auto missed = [&](const char *name, const char *reason) {
            return scrape(*metrics)
                .value(QStringLiteral("jobconsole_missed_occurrences_total"),
                       {{QStringLiteral("job"), QString::fromLatin1(name)},
                        {QStringLiteral("reason"), QString::fromLatin1(reason)}})
                .value_or(-1);
        };
        QCOMPARE(missed("Paused", "paused"), 2.0);
        QCOMPARE(missed("Overlapping", "overlap"), 1.0);
        QCOMPARE(missed("Overlapping", "paused"), 0.0);
        gate.open.release();
        QTRY_COMPARE(finished.count(), 1);

        // 10:20 -> 15:30: Jumped's 11:00 to 15:00 came due at once; 15:00 runs, 4 coalesced.
        clock->setNow(utc("2026-01-15T15:30:00Z"));
        QCOMPARE(missed("Jumped", "coalesced"), 4.0);
        QCOMPARE(missed("Jumped", "database_unavailable"), 0.0);
        const Exposition parsed = scrape(*metrics);
        QVERIFY(parsed.error.isEmpty());
        QVERIFY(checkShape(parsed, {QStringLiteral("Paused"), QStringLiteral("Overlapping"),
                                    QStringLiteral("Jumped")}));
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_next_run_timestamp_seconds"),
                              jobLabel(QStringLiteral("Jumped"))),
                 epochSeconds("2026-01-15T16:00:00Z"));
        scheduler->stop(5s);
    }

    // A job name that needs escaping stays one label value.
    void escapesJobNames()
    {
        const QString name = QStringLiteral("Odd \"name\" \\ with\na line");
        QVERIFY(scheduler->addJob(
            JobDefinition{name,
                          QStringLiteral("odd"),
                          Schedule::parse(QStringLiteral("0 * * * *"), QTimeZone("UTC")).value(),
                          [](JobContext &) { return JobResult::success(); },
                          {}}));
        scheduler->start();
        const Exposition parsed = scrape(*metrics);
        QVERIFY(parsed.error.isEmpty());
        QCOMPARE(parsed.value(QStringLiteral("jobconsole_running"), jobLabel(name)), 0.0);
        scheduler->stop(5s);
    }

private:
    std::unique_ptr<ManualClock> clock;
    std::unique_ptr<Scheduler> scheduler;
    std::unique_ptr<SchedulerMetrics> metrics;
};

QTEST_GUILESS_MAIN(tst_SchedulerMetrics)
#include "tst_schedulermetrics.moc"
