// Engine tests on a manual clock: every instant is asserted exactly, nothing sleeps for
// timing. Bodies run on real worker threads, so completion is awaited with QTRY_*.
#include "EnginePrinters.h"
#include "JobGate.h"
#include "LogCapture.h"

#include "engine/JobContext.h"
#include "engine/ManualClock.h"
#include "engine/RunJournal.h"
#include "engine/RunState.h"
#include "engine/Scheduler.h"

#include <QMutex>
#include <QSemaphore>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <limits>
#include <memory>
#include <numeric>

using namespace jc;
using namespace std::chrono_literals;

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

Schedule cron(const char *text)
{
    auto parsed = Schedule::parse(QString::fromLatin1(text), QTimeZone("UTC"));
    if (!parsed)
        qFatal("bad test schedule %s: %s", text, qPrintable(parsed.error().message()));
    return parsed.value();
}

JobDefinition job(const QString &name, const char *schedule, JobDefinition::Body body,
                  JobPolicies policies = {})
{
    return JobDefinition{name, QStringLiteral("test job"), cron(schedule), std::move(body),
                         policies};
}

JobResult succeed(JobContext &)
{
    return JobResult::success();
}

using Gate = jc::test::JobGate;

RunRecord lastRecord(const QSignalSpy &spy)
{
    return spy.last().at(0).value<RunRecord>();
}

} // namespace

// A manual clock with the system clock's precision lead; waitUntil() moves it to the
// instant (at most the lead ahead) instead of sleeping, and notes each wait.
class LeadClock final : public Clock
{
public:
    explicit LeadClock(const QDateTime &start)
        : m_now(start.toMSecsSinceEpoch())
    {}
    qint64 nowMSecs() const override { return m_now.load(); }
    std::chrono::milliseconds precisionLead() const override { return 2ms; }
    void waitUntil(qint64 msecs) const override
    {
        waitedFor.append(QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC));
        m_now = std::min(msecs, m_now.load() + precisionLead().count());
    }
    void setNow(const QDateTime &now)
    {
        m_now = now.toMSecsSinceEpoch();
        emit changed();
    }

    mutable QList<QDateTime> waitedFor;

private:
    mutable std::atomic<qint64> m_now;
};

// A journal in memory whose database can be "down": then every call fails as a lost
// connection would. Thread-safe (claims come from workers, the rest from the journal's thread).
class OutageJournal final : public RunJournal
{
public:
    Claim claim(const ClaimRequest &) override
    {
        QMutexLocker lock(&m_mutex);
        if (!m_reachable)
            return {Claim::Status::Failed, 0, QStringLiteral("database unreachable")};
        return {Claim::Status::Claimed, ++m_lastId, {}};
    }
    // While holdShares is set, each call waits at a gate: shareEntered, then shareOpen.
    // Keeps each changed progress and every line; says the runs of askToCancel() were asked
    // to cancel.
    Expected<LiveReply, QString> shareLive(const QList<LiveRun> &runs, qint64,
                                           const QString &) override
    {
        if (holdShares) {
            shareEntered.release();
            shareOpen.acquire();
        }
        QMutexLocker lock(&m_mutex);
        ++m_shareCalls;
        if (!m_reachable)
            return Unexpected(QStringLiteral("database unreachable"));
        LiveReply reply;
        if (failShareWrites) {
            reply.writeError = QStringLiteral("database is locked");
            return reply;
        }
        for (const LiveRun &run : runs) {
            if (run.progressChanged)
                m_progress.append(run.progress);
            for (qsizetype i = 0; i < run.newLogLines.size(); ++i)
                m_lines.append({run.firstLogSeq + int(i), run.newLogLines.at(i).message});
            if (m_cancelAsked.contains(run.storedRunId))
                reply.cancelRequested.append(run.storedRunId);
            reply.shared.insert(run.storedRunId);
        }
        return reply;
    }
    Expected<HeartbeatReply, QString> heartbeat(const QList<LiveRun> &, qint64,
                                                const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        if (!m_reachable)
            return Unexpected(QStringLiteral("database unreachable"));
        return HeartbeatReply{};
    }
    Expected<void, QString> finish(qint64 storedRunId, const RunRecord &record,
                                   const QList<LogLine> &lines, int firstSeq) override
    {
        QMutexLocker lock(&m_mutex);
        ++m_finishCalls;
        if (!m_reachable)
            return Unexpected(QStringLiteral("database unreachable"));
        if (refuseEnds)
            return Unexpected(
                QStringLiteral("Run %1 was already marked interrupted").arg(storedRunId));
        for (qsizetype i = 0; i < lines.size(); ++i)
            m_lines.append({firstSeq + int(i), lines.at(i).message});
        m_ends.append({storedRunId, record.outcome});
        return {};
    }
    // The ends written: stored id and outcome, in order.
    QList<std::pair<qint64, RunOutcome>> endsWritten()
    {
        QMutexLocker lock(&m_mutex);
        return m_ends;
    }
    int finishCalls()
    {
        QMutexLocker lock(&m_mutex);
        return m_finishCalls;
    }
    Expected<SkipRecord, QString> recordSkipped(const Skipped &skipped) override
    {
        QMutexLocker lock(&m_mutex);
        if (!m_reachable)
            return Unexpected(QStringLiteral("database unreachable"));
        m_skipped.append(skipped);
        return SkipRecord::Recorded;
    }
    Expected<int, QString> interruptStale(qint64, qint64, const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        if (!m_reachable)
            return Unexpected(QStringLiteral("database unreachable"));
        return 0;
    }
    Expected<QList<UnfinishedRun>, QString> unfinishedSince(qint64, qint64, qint64,
                                                            const QString &) override
    {
        QMutexLocker lock(&m_mutex);
        if (!m_reachable)
            return Unexpected(QStringLiteral("database unreachable"));
        return QList<UnfinishedRun>();
    }

    void setReachable(bool reachable)
    {
        QMutexLocker lock(&m_mutex);
        m_reachable = reachable;
    }
    QList<Skipped> skippedNow()
    {
        QMutexLocker lock(&m_mutex);
        return m_skipped;
    }
    int shareCalls()
    {
        QMutexLocker lock(&m_mutex);
        return m_shareCalls;
    }
    QList<RunProgress> progressWritten()
    {
        QMutexLocker lock(&m_mutex);
        return m_progress;
    }

    QList<std::pair<int, QString>> linesWritten() // seq and message, in the order written
    {
        QMutexLocker lock(&m_mutex);
        return m_lines;
    }
    void askToCancel(qint64 storedRunId)
    {
        QMutexLocker lock(&m_mutex);
        m_cancelAsked.insert(storedRunId);
    }

    std::atomic<bool> holdShares{false};
    std::atomic<bool> failShareWrites{false}; // a pass reads, and its write fails
    std::atomic<bool> refuseEnds{false};      // reachable, but every end is refused
    QSemaphore shareEntered;
    QSemaphore shareOpen;

private:
    QList<Skipped> m_skipped;
    QList<RunProgress> m_progress;
    QSet<qint64> m_cancelAsked;
    QList<std::pair<int, QString>> m_lines;
    QList<std::pair<qint64, RunOutcome>> m_ends;
    int m_shareCalls = 0;
    int m_finishCalls = 0;
    QMutex m_mutex;
    bool m_reachable = true;
    qint64 m_lastId = 0;
};

// A scheduler on the test's clock, journaled to an OutageJournal as instance "test:1", with one
// job, "Counting", whose body is the test's.
struct JournaledScheduler
{
    JournaledScheduler(Clock &clock, JobDefinition::Body body)
        : scheduler(clock, options())
    {
        scheduler.setJournal(journal);
        added = scheduler.addJob(job(QStringLiteral("Counting"), "0 0 1 1 *", std::move(body)))
                    .hasValue();
    }
    static Scheduler::Options options()
    {
        Scheduler::Options options;
        options.instanceId = QStringLiteral("test:1");
        return options;
    }

    std::shared_ptr<OutageJournal> journal = std::make_shared<OutageJournal>();
    Scheduler scheduler;
    bool added = false;
};

// A journal in memory that counts its rounds: the claims and ends it was given at once. Its
// first claimAll() waits at a gate until the test opens it, so that the claims that come
// meanwhile queue up. Thread-safe.
class BatchCountingJournal final : public RunJournal
{
public:
    Claim claim(const ClaimRequest &) override
    {
        QMutexLocker lock(&m_mutex);
        ++m_singleClaims;
        return {Claim::Status::Claimed, ++m_lastId, {}};
    }
    QList<Claim> claimAll(const QList<ClaimRequest> &requests) override
    {
        if (m_firstRound.exchange(false))
            m_gate.acquire();
        QMutexLocker lock(&m_mutex);
        m_claimRounds.append(requests.size());
        QList<Claim> claims;
        for (qsizetype i = 0; i < requests.size(); ++i)
            claims.append({Claim::Status::Claimed, ++m_lastId, {}});
        return claims;
    }
    Expected<LiveReply, QString> shareLive(const QList<LiveRun> &, qint64, const QString &) override
    {
        return LiveReply{};
    }
    Expected<HeartbeatReply, QString> heartbeat(const QList<LiveRun> &, qint64,
                                                const QString &) override
    {
        return HeartbeatReply{};
    }
    Expected<void, QString> finish(qint64 storedRunId, const RunRecord &, const QList<LogLine> &,
                                   int) override
    {
        QMutexLocker lock(&m_mutex);
        m_finished.insert(storedRunId);
        return {};
    }
    QList<Expected<void, QString>> finishAll(const QList<Finish> &finishes) override
    {
        QMutexLocker lock(&m_mutex);
        m_finishRounds.append(finishes.size());
        QList<Expected<void, QString>> written;
        for (const Finish &end : finishes) {
            m_finished.insert(end.storedRunId);
            written.emplace_back();
        }
        return written;
    }
    Expected<SkipRecord, QString> recordSkipped(const Skipped &) override
    {
        return SkipRecord::Recorded;
    }
    Expected<int, QString> interruptStale(qint64, qint64, const QString &) override { return 0; }
    Expected<QList<UnfinishedRun>, QString> unfinishedSince(qint64, qint64, qint64,
                                                            const QString &) override
    {
        return QList<UnfinishedRun>();
    }

    void openGate() { m_gate.release(); }
    QList<qsizetype> claimRounds()
    {
        QMutexLocker lock(&m_mutex);
        return m_claimRounds;
    }
    int singleClaims()
    {
        QMutexLocker lock(&m_mutex);
        return m_singleClaims;
    }
    QList<qsizetype> finishRounds()
    {
        QMutexLocker lock(&m_mutex);
        return m_finishRounds;
    }
    bool isFinished(qint64 storedRunId)
    {
        QMutexLocker lock(&m_mutex);
        return m_finished.contains(storedRunId);
    }

private:
    QMutex m_mutex;
    QSemaphore m_gate;
    std::atomic<bool> m_firstRound{true};
    QList<qsizetype> m_claimRounds;
    QList<qsizetype> m_finishRounds;
    QSet<qint64> m_finished;
    int m_singleClaims = 0;
    qint64 m_lastId = 0;
};

class tst_Scheduler : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        clock = std::make_unique<ManualClock>(utc("2026-01-15T10:00:00Z"));
        Scheduler::Options options;
        options.jitterSeed = 42;
        options.abandonGrace = 10s;
        scheduler = std::make_unique<Scheduler>(*clock, options);
    }
    void cleanup()
    {
        scheduler.reset();
        clock.reset();
    }

    void refusesBadJobs_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("withBody");
        QTest::addColumn<bool>("validSchedule");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty name") << QString() << true << true << "A job needs a name";
        QTest::newRow("blank name") << "   " << true << true << "A job needs a name";
        QTest::newRow("duplicate")
            << "Existing" << true << true << "A job named \"Existing\" is already registered";
        QTest::newRow("no body") << "New" << false << true << "Job \"New\" has no body to run";
        QTest::newRow("no schedule")
            << "New" << true << false << "Job \"New\" has no valid schedule";
    }
    void refusesBadJobs()
    {
        QFETCH(QString, name);
        QFETCH(bool, withBody);
        QFETCH(bool, validSchedule);
        QFETCH(QString, message);
        QVERIFY(scheduler->addJob(job(QStringLiteral("Existing"), "* * * * *", succeed)));
        JobDefinition def = job(name, "* * * * *", withBody ? succeed : JobDefinition::Body());
        if (!validSchedule)
            def.schedule = Schedule();
        const auto added = scheduler->addJob(def);
        QVERIFY(!added);
        QCOMPARE(added.error(), message);
    }

    void firesAtItsInstant()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Every 5"), "*/5 * * * *", succeed)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        QCOMPARE(scheduler->jobStatus(QStringLiteral("Every 5"))->nextRun,
                 utc("2026-01-15T10:05:00Z"));

        clock->setNow(utc("2026-01-15T10:04:59.999Z"));
        QCOMPARE(started.count(), 0);
        clock->setNow(utc("2026-01-15T10:05:00Z"));
        QCOMPARE(started.count(), 1);
        const auto run = started.last().at(0).value<RunInfo>();
        QCOMPARE(run.occurrence, utc("2026-01-15T10:05:00Z"));
        QCOMPARE(run.trigger, RunTrigger::Scheduled);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Succeeded);
        QCOMPARE(scheduler->jobStatus(QStringLiteral("Every 5"))->nextRun,
                 utc("2026-01-15T10:10:00Z"));
    }

    // With a clock that has a precision lead (the system clock's 2 ms), the scheduler wakes
    // that much early and has the clock wait out the rest, so that the run starts at its
    // instant: not sooner (the wait ends there), not at the next millisecond-rounded wake.
    void precisionLeadStartsTheRunAtItsInstant()
    {
        LeadClock lead(utc("2026-01-15T10:04:59.990Z"));
        Scheduler precise(lead);
        QVERIFY(precise.addJob(job(QStringLiteral("Every 5"), "*/5 * * * *", succeed)));
        QSignalSpy started(&precise, &Scheduler::runStarted);
        precise.start();

        lead.setNow(utc("2026-01-15T10:04:59.997Z")); // 3 ms ahead: not within the lead
        QCOMPARE(started.count(), 0);
        QCOMPARE(lead.waitedFor, QList<QDateTime>());
        lead.setNow(utc("2026-01-15T10:04:59.998Z")); // within it: the clock waits the rest
        QCOMPARE(lead.waitedFor, QList<QDateTime>{utc("2026-01-15T10:05:00Z")});
        QCOMPARE(started.count(), 1);
        const auto run = started.last().at(0).value<RunInfo>();
        QCOMPARE(run.occurrence, utc("2026-01-15T10:05:00Z"));
        QCOMPARE(run.startedAt, utc("2026-01-15T10:05:00Z"));
        precise.stop(5s);
    }

    void logsTheSeedsWording()
    {
        LogCapture log;
        int calls = 0;
        QVERIFY(scheduler->addJob(job(QStringLiteral("Worded"), "*/5 * * * *", [&](JobContext &) {
            return ++calls == 1 ? JobResult::success()
                                : JobResult::failure(QStringLiteral("disk full"));
        })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T10:05:00Z"));
        QTRY_COMPARE(finished.count(), 1);
        clock->setNow(utc("2026-01-15T10:10:00Z"));
        QTRY_COMPARE(finished.count(), 2);
        QVERIFY(log.contains(
            QStringLiteral("Starting job job=Worded nextRun=2026-01-15T10:05:00.000Z")));
        QVERIFY(log.contains(QStringLiteral("jc.job.worded: Executing job")));
        QVERIFY(log.contains(QStringLiteral("Job completed successfully")));
        QVERIFY(log.contains(QStringLiteral("Next run scheduled")));
        QVERIFY(log.contains(QStringLiteral("Job execution failed")));
        QVERIFY(log.contains(QStringLiteral("error=\"disk full\"")));
        QVERIFY(log.contains(QStringLiteral("runId=2")));
    }

    void errorIsRecordedAndJobRescheduled()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Failing"), "0 * * * *", [](JobContext &) {
            return JobResult::failure(QStringLiteral("connection refused"));
        })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Failed);
        QCOMPARE(lastRecord(finished).error, QStringLiteral("connection refused"));
        QCOMPARE(scheduler->jobStatus(QStringLiteral("Failing"))->nextRun,
                 utc("2026-01-15T12:00:00Z"));
        clock->setNow(utc("2026-01-15T12:00:00Z"));
        QTRY_COMPARE(finished.count(), 2);
    }

    void exceptionIsAFailure()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Throwing"), "0 * * * *", [](JobContext &) {
            throw std::runtime_error("bad index");
            return JobResult::success();
        })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        QVERIFY(scheduler->runNow(QStringLiteral("Throwing")));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Failed);
        QCOMPARE(lastRecord(finished).error,
                 QStringLiteral("The job threw an exception: bad index"));
    }

    void noOverlapByDefault()
    {
        Gate gate;
        QVERIFY(scheduler->addJob(
            job(QStringLiteral("Slow"), "* * * * *", [&](JobContext &c) { return gate.pass(c); })));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        QSignalSpy skipped(scheduler.get(), &Scheduler::occurrenceSkipped);
        scheduler->start();
        clock->setNow(utc("2026-01-15T10:01:00Z"));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        clock->setNow(utc("2026-01-15T10:02:00Z"));
        QCOMPARE(started.count(), 1);
        QCOMPARE(skipped.count(), 1);
        QCOMPARE(skipped.last().at(2).value<SkipReason>(), SkipReason::Overlap);
        QCOMPARE(skipped.last().at(1).toDateTime(), utc("2026-01-15T10:02:00Z"));
        const auto manual = scheduler->runNow(QStringLiteral("Slow"));
        QVERIFY(!manual);
        QVERIFY(manual.error().contains(QStringLiteral("already running")));
        gate.open.release();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(started.count(), 1);
    }

    void parallelWhenAllowed()
    {
        Gate gate;
        JobPolicies parallel;
        parallel.overlap = OverlapPolicy::Parallel;
        QVERIFY(scheduler->addJob(job(
            QStringLiteral("Wide"), "* * * * *", [&](JobContext &c) { return gate.pass(c); },
            parallel)));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T10:01:00Z"));
        clock->setNow(utc("2026-01-15T10:02:00Z"));
        QVERIFY(gate.entered.tryAcquire(2, 5000)); // both bodies are inside at once
        QCOMPARE(scheduler->jobStatus(QStringLiteral("Wide"))->runningRuns, 2);
        gate.open.release(2);
        QTRY_COMPARE(finished.count(), 2);
    }

    void queueRunsOneAfterwards()
    {
        Gate gate;
        JobPolicies queue;
        queue.overlap = OverlapPolicy::Queue;
        QVERIFY(scheduler->addJob(job(
            QStringLiteral("Queued"), "* * * * *", [&](JobContext &c) { return gate.pass(c); },
            queue)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        QSignalSpy skipped(scheduler.get(), &Scheduler::occurrenceSkipped);
        scheduler->start();
        clock->setNow(utc("2026-01-15T10:01:00Z"));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        clock->setNow(utc("2026-01-15T10:02:00Z")); // queued
        clock->setNow(utc("2026-01-15T10:03:00Z")); // skipped: one is queued already
        QCOMPARE(skipped.count(), 1);
        QVERIFY(scheduler->jobStatus(QStringLiteral("Queued"))->queued);
        gate.open.release();
        QTRY_COMPARE(started.count(), 2);
        QCOMPARE(started.last().at(0).value<RunInfo>().occurrence, utc("2026-01-15T10:02:00Z"));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        gate.open.release();
        QTRY_COMPARE(finished.count(), 2);
    }

    void timeoutCancels()
    {
        JobPolicies policies;
        policies.timeout = 30s;
        std::atomic<int> reason{-1};
        QSemaphore entered;
        QVERIFY(scheduler->addJob(job(
            QStringLiteral("Timed"), "0 * * * *",
            [&](JobContext &context) {
                entered.release();
                while (context.sleepFor(1h)) {
                }
                reason = int(context.stopToken().reason());
                return JobResult::failure(QStringLiteral("gave up"));
            },
            policies)));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        QVERIFY(entered.tryAcquire(1, 5000));
        clock->setNow(utc("2026-01-15T11:00:29.999Z"));
        QTest::qWait(20); // a stop would have been requested by now; none must be
        QCOMPARE(finished.count(), 0);
        clock->setNow(utc("2026-01-15T11:00:30Z"));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(reason.load(), int(StopReason::TimedOut));
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::TimedOut);
        QCOMPARE(lastRecord(finished).error, QStringLiteral("Timed out after 30 s: gave up"));
    }

    void bodyIgnoringTimeoutIsAbandoned()
    {
        JobPolicies policies;
        policies.timeout = 5s;
        auto release = std::make_shared<QSemaphore>();
        auto left = std::make_shared<QSemaphore>();
        QVERIFY(scheduler->addJob(job(
            QStringLiteral("Stubborn"), "0 * * * *",
            [release, left](JobContext &) {
                release->acquire();
                left->release();
                return JobResult::success();
            },
            policies)));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        clock->setNow(utc("2026-01-15T11:00:05Z"));
        clock->setNow(utc("2026-01-15T11:00:14.999Z"));
        QCOMPARE(finished.count(), 0);
        clock->setNow(utc("2026-01-15T11:00:15Z")); // timeout + 10 s grace
        QCOMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Abandoned);
        QCOMPARE(scheduler->jobStatus(QStringLiteral("Stubborn"))->runningRuns, 0);
        release->release();
        QVERIFY(left->tryAcquire(1, 5000)); // the late body ends; its result is ignored
        QTest::qWait(10);
        QCOMPARE(finished.count(), 1);
    }

    void retriesBackOff()
    {
        JobPolicies policies;
        policies.retry.attempts = 3;
        policies.retry.baseDelay = 10s;
        policies.retry.jitter = 0;
        QVERIFY(scheduler->addJob(job(
            QStringLiteral("Flaky"), "0 0 * * *",
            [](JobContext &) { return JobResult::failure(QStringLiteral("database is locked")); },
            policies)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-16T00:00:00Z"));
        QTRY_COMPARE(finished.count(), 1);
        clock->setNow(utc("2026-01-16T00:00:09.999Z"));
        QCOMPARE(started.count(), 1);
        clock->setNow(utc("2026-01-16T00:00:10Z"));
        QCOMPARE(started.count(), 2);
        auto retry = started.last().at(0).value<RunInfo>();
        QCOMPARE(retry.trigger, RunTrigger::Retry);
        QCOMPARE(retry.attempt, 2);
        QCOMPARE(retry.occurrence, utc("2026-01-16T00:00:00Z"));
        QTRY_COMPARE(finished.count(), 2);
        clock->setNow(utc("2026-01-16T00:00:29.999Z"));
        QCOMPARE(started.count(), 2);
        clock->setNow(utc("2026-01-16T00:00:30Z")); // 20 s after the second attempt
        QCOMPARE(started.count(), 3);
        QCOMPARE(started.last().at(0).value<RunInfo>().attempt, 3);
        QTRY_COMPARE(finished.count(), 3);
        clock->setNow(utc("2026-01-16T12:00:00Z"));
        QCOMPARE(started.count(), 3); // attempts exhausted
    }

    void retryNeverPassesTheNextOccurrence()
    {
        JobPolicies policies;
        policies.retry.attempts = 5;
        policies.retry.baseDelay = 2h;
        policies.retry.maxDelay = 3h;
        policies.retry.jitter = 0;
        QVERIFY(scheduler->addJob(job(
            QStringLiteral("Hourly"), "0 * * * *",
            [](JobContext &) { return JobResult::failure(QStringLiteral("nope")); }, policies)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        QTRY_COMPARE(finished.count(), 1);
        clock->setNow(utc("2026-01-15T12:00:00Z"));
        QCOMPARE(started.count(), 2);
        QCOMPARE(started.last().at(0).value<RunInfo>().trigger, RunTrigger::Scheduled);
    }

    void retryDelays_data()
    {
        QTest::addColumn<int>("attempt");
        QTest::addColumn<double>("random");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("first retry, no jitter") << 2 << 0.5 << qint64(2000);
        QTest::newRow("second retry doubles") << 3 << 0.5 << qint64(4000);
        QTest::newRow("third retry doubles") << 4 << 0.5 << qint64(8000);
        QTest::newRow("jitter low end") << 2 << 0.0 << qint64(1600);
        QTest::newRow("jitter high end") << 2 << 1.0 << qint64(2400);
        QTest::newRow("capped") << 30 << 0.5 << qint64(60000);
        QTest::newRow("capped with jitter") << 30 << 1.0 << qint64(60000);
    }
    void retryDelays()
    {
        QFETCH(int, attempt);
        QFETCH(double, random);
        QFETCH(qint64, expected);
        RetryPolicy policy;
        policy.baseDelay = 2s;
        policy.maxDelay = 60s;
        QCOMPARE(policy.delayBefore(attempt, random).count(), expected);
    }

    void pauseHoldsResumeRecomputes()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Pausable"), "0 * * * *", succeed)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy skipped(scheduler.get(), &Scheduler::occurrenceSkipped);
        QSignalSpy pauses(scheduler.get(), &Scheduler::jobPauseChanged);
        scheduler->start();
        QVERIFY(scheduler->pause(QStringLiteral("Pausable"), QStringLiteral("migration"),
                                 QStringLiteral("alice")));
        const auto status = scheduler->jobStatus(QStringLiteral("Pausable"));
        QVERIFY(status->paused);
        QCOMPARE(status->pauseReason, QStringLiteral("migration"));
        QCOMPARE(status->pausedBy, QStringLiteral("alice"));
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        clock->setNow(utc("2026-01-15T12:00:00Z"));
        QCOMPARE(started.count(), 0);
        QCOMPARE(skipped.count(), 2);
        QCOMPARE(skipped.last().at(2).value<SkipReason>(), SkipReason::Paused);
        clock->setNow(utc("2026-01-15T12:30:00Z"));
        QVERIFY(scheduler->resume(QStringLiteral("Pausable")));
        QCOMPARE(pauses.count(), 2);
        QCOMPARE(scheduler->jobStatus(QStringLiteral("Pausable"))->nextRun,
                 utc("2026-01-15T13:00:00Z"));
        clock->setNow(utc("2026-01-15T13:00:00Z"));
        QCOMPARE(started.count(), 1);
    }

    // The top-up failed a batch and its retry came due while an admin had paused the job: the
    // retry is held, not dropped, and runs on resume (the occurrence is still owed). Before, it
    // was reported skipped and never ran.
    void aRetryDueWhilePausedRunsOnResume()
    {
        JobPolicies policies;
        policies.retry.attempts = 3;
        policies.retry.baseDelay = 10s;
        policies.retry.jitter = 0;
        auto calls = std::make_shared<std::atomic<int>>(0);
        QVERIFY(scheduler->addJob(job(
            QStringLiteral("Top-Up"), "0 0 1 * *",
            [calls](JobContext &) {
                return ++*calls == 1 ? JobResult::failure(QStringLiteral("database is locked"))
                                     : JobResult::success();
            },
            policies)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-02-01T00:00:00Z"));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Failed);
        clock->setNow(utc("2026-02-01T00:00:05Z"));
        QVERIFY(scheduler->pause(QStringLiteral("Top-Up"), QStringLiteral("checking"),
                                 QStringLiteral("alice")));
        clock->setNow(utc("2026-02-01T00:00:10Z")); // the retry comes due: held
        clock->setNow(utc("2026-02-01T00:30:00Z"));
        QCOMPARE(started.count(), 1);

        QVERIFY(scheduler->resume(QStringLiteral("Top-Up")));
        QCOMPARE(started.count(), 2);
        const auto retry = started.last().at(0).value<RunInfo>();
        QCOMPARE(retry.trigger, RunTrigger::Retry);
        QCOMPARE(retry.attempt, 2);
        QCOMPARE(retry.occurrence, utc("2026-02-01T00:00:00Z"));
        QTRY_COMPARE(finished.count(), 2);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Succeeded);
    }

    void pauseWithResumeTimeEndsByItself()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Held"), "0 * * * *", succeed)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        scheduler->start();
        scheduler->pause(QStringLiteral("Held"), {}, {}, utc("2026-01-15T11:30:00Z"));
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        QCOMPARE(started.count(), 0);
        clock->setNow(utc("2026-01-15T11:30:00Z"));
        QVERIFY(!scheduler->jobStatus(QStringLiteral("Held"))->paused);
        clock->setNow(utc("2026-01-15T12:00:00Z"));
        QCOMPARE(started.count(), 1);
    }

    void runNowIsManualAndCarriesTheRequest()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Manual"), "0 0 1 1 *", succeed)));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        const auto id = scheduler->runNow(
            QStringLiteral("Manual"),
            RunRequest{true, QStringLiteral("bob"), QStringLiteral("after the import")});
        QVERIFY(id);
        QVERIFY(id.value() > 0);
        QTRY_COMPARE(finished.count(), 1);
        const RunRecord record = lastRecord(finished);
        QCOMPARE(record.info.id, id.value());
        QCOMPARE(record.info.trigger, RunTrigger::Manual);
        QCOMPARE(record.info.occurrence, utc("2026-01-15T10:00:00Z"));
        QVERIFY(record.info.dryRun);
        QCOMPARE(record.info.requestedBy, QStringLiteral("bob"));
        QCOMPARE(record.info.reason, QStringLiteral("after the import"));
        QVERIFY(!scheduler->runNow(QStringLiteral("Nope")));
    }

    void cancelStopsARun()
    {
        Gate gate;
        QVERIFY(scheduler->addJob(job(QStringLiteral("Cancellable"), "0 0 1 1 *",
                                      [&](JobContext &c) { return gate.pass(c); })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        const RunId id = scheduler->runNow(QStringLiteral("Cancellable")).value();
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        QVERIFY(scheduler->cancel(id));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Cancelled);
        QVERIFY(!scheduler->cancel(id));
    }

    void progressAndLogReachTheRecord()
    {
        QVERIFY(
            scheduler->addJob(job(QStringLiteral("Chatty"), "0 0 1 1 *", [](JobContext &context) {
                context.setProgress(-5, -1); // nonsense: clamped
                context.setProgress(50, 10, QStringLiteral("half"));
                context.log().info(QStringLiteral("Batch done"), {{QStringLiteral("users"), 10}});
                return JobResult::success(QJsonObject{{QStringLiteral("users"), 10}});
            })));
        QSignalSpy progress(scheduler.get(), &Scheduler::runProgress);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        QVERIFY(scheduler->runNow(QStringLiteral("Chatty")));
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(progress.count() >= 1);
        QCOMPARE(progress.last().at(1).toLongLong(), 10);
        QCOMPARE(progress.last().at(2).toLongLong(), 10);
        const RunRecord record = lastRecord(finished);
        QCOMPARE(record.log.size(), 1);
        QCOMPARE(record.log.first().message, QStringLiteral("Batch done"));
        QCOMPARE(record.log.first().fields.value(QStringLiteral("users")).toInt(), 10);
        QCOMPARE(record.summary.value(QStringLiteral("users")).toInt(), 10);
    }

    // A body reporting nonsense progress: done past total, negative numbers, an unknown
    // total, the extremes of qint64 (the API has no NaN: these are its nonsense values), a
    // huge text cut inside a surrogate pair. Each report is clamped as it arrives, the run
    // is recorded with its last, sensible progress, every signal carried sane numbers, and
    // the next run of the job works.
    void nonsenseProgressIsClampedAndHarmless()
    {
        constexpr qint64 min = std::numeric_limits<qint64>::min();
        constexpr qint64 max = std::numeric_limits<qint64>::max();
        constexpr qint64 cap = RunProgress::maximumCount;
        const QString rocket = QStringLiteral("\U0001F680");
        struct Step
        {
            qint64 done;
            qint64 total;
            QString text;
            RunProgress expected;
        };
        const QList<Step> steps{
            {50, 10, QStringLiteral("past the end"), {10, 10, QStringLiteral("past the end")}},
            {-5, 10, {}, {0, 10, {}}},
            {7, 0, QStringLiteral("total unknown"), {7, 0, QStringLiteral("total unknown")}},
            {-1, -1, {}, {0, 0, {}}},
            {min, max, {}, {0, cap, {}}},
            {max, max, {}, {cap, cap, {}}},
            {max / 2, max, {}, {cap / 2, cap, {}}},
            {max, min, {}, {cap, 0, {}}},
            {max, 3, {}, {3, 3, {}}},
            {1, 2, QString(499, u'x') + rocket + QString(10'000, u'y'), {1, 2, QString(499, u'x')}},
            {3, 4, QStringLiteral("sane"), {3, 4, QStringLiteral("sane")}},
        };
        QSemaphore reported;
        QSemaphore next;
        std::atomic<bool> nonsense{true};
        QVERIFY(scheduler->addJob(
            job(QStringLiteral("Nonsense"), "0 0 1 1 *", [&](JobContext &context) {
                if (!nonsense)
                    context.setProgress(1, 2, QStringLiteral("fine"));
                for (qsizetype i = 0; nonsense && i < steps.size(); ++i) {
                    const Step &step = steps.at(i);
                    context.setProgress(step.done, step.total, step.text);
                    reported.release();
                    while (!next.tryAcquire(1, 5)) {
                        if (context.isStopRequested())
                            return JobResult::failure(QStringLiteral("stopped while waiting"));
                    }
                }
                return JobResult::success();
            })));
        QSignalSpy progress(scheduler.get(), &Scheduler::runProgress);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        const RunId id = scheduler->runNow(QStringLiteral("Nonsense")).value();
        for (const Step &step : steps) {
            QVERIFY(reported.tryAcquire(1, 5000));
            const auto seen = scheduler->progress(id);
            QVERIFY(seen);
            QCOMPARE(seen->done, step.expected.done);
            QCOMPARE(seen->total, step.expected.total);
            QCOMPARE(seen->text, step.expected.text);
            next.release();
        }
        QTRY_COMPARE(finished.count(), 1);
        const RunRecord record = lastRecord(finished);
        QCOMPARE(record.outcome, RunOutcome::Succeeded);
        QCOMPARE(record.progress, steps.constLast().expected);
        QVERIFY(progress.count() >= 1);
        for (const QList<QVariant> &signal : std::as_const(progress)) {
            const qint64 done = signal.at(1).toLongLong();
            const qint64 total = signal.at(2).toLongLong();
            QVERIFY2(done >= 0 && total >= 0 && total <= cap && done <= cap &&
                         (total == 0 || done <= total),
                     qPrintable(QStringLiteral("%1 of %2").arg(done).arg(total)));
            QVERIFY(signal.at(3).toString().size() <= RunProgress::maximumTextLength);
        }

        // The scheduler is unharmed: the next run of the job works and starts afresh.
        nonsense = false;
        QVERIFY(scheduler->runNow(QStringLiteral("Nonsense")));
        QTRY_COMPARE(finished.count(), 2);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Succeeded);
        QCOMPARE(lastRecord(finished).progress, (RunProgress{1, 2, QStringLiteral("fine")}));
    }

    void floodedLogIsBounded()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Flood"), "0 0 1 1 *", [](JobContext &c) {
            for (int i = 0; i < RunState::defaultLogLimit + 500; ++i)
                c.log().debug(QStringLiteral("line"), {{QStringLiteral("i"), i}});
            return JobResult::success();
        })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        QVERIFY(scheduler->runNow(QStringLiteral("Flood")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const RunRecord record = lastRecord(finished);
        QCOMPARE(record.log.size(), RunState::defaultLogLimit + 1);
        QVERIFY(record.log.last().message.startsWith(QStringLiteral("Log cut")));
        QCOMPARE(record.droppedLogLines, 500);
    }

    // A stop asks the bodies to stop, as a cancel does, but the run is recorded `interrupted`:
    // not an admin's decision, and the next start catches its occurrence up.
    void stopInterruptsAndWaits()
    {
        Gate gate;
        QVERIFY(scheduler->addJob(
            job(QStringLiteral("Long"), "0 * * * *", [&](JobContext &c) { return gate.pass(c); })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        const StopReport report = scheduler->stop(5s);
        QVERIFY(report.isClean());
        QCOMPARE(report.finished, 1);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Interrupted);
        QVERIFY2(lastRecord(finished).error.startsWith(QStringLiteral("Interrupted by shutdown: ")),
                 qPrintable(lastRecord(finished).error));
        QCOMPARE(scheduler->state(), Scheduler::State::Stopped);
        QVERIFY(!scheduler->runNow(QStringLiteral("Long")));
        clock->setNow(utc("2026-01-15T12:00:00Z"));
        QCOMPARE(finished.count(), 1); // nothing starts after stop
    }

    // The database is slow: the first live pass waits. Of the two that come due meanwhile,
    // one waits behind it and the other finds it waiting: two passes in all, the second with
    // the newest progress, not one queued every 2 s for as long as it lasts.
    void livePassesWaitingForTheDatabaseCoalesce()
    {
        QSemaphore next;
        Gate gate;
        JournaledScheduler journaled(*clock, [&](JobContext &c) {
            for (int done = 1; done <= 3; ++done) {
                c.setProgress(done, 3, QStringLiteral("users"));
                if (!next.tryAcquire(1, 5000))
                    return JobResult::failure(QStringLiteral("the test stopped stepping"));
            }
            return gate.pass(c);
        });
        QVERIFY(journaled.added);
        OutageJournal &journal = *journaled.journal;
        journal.holdShares = true;
        QSignalSpy progressed(&journaled.scheduler, &Scheduler::runProgress);
        journaled.scheduler.start();
        QVERIFY(journaled.scheduler.runNow(QStringLiteral("Counting")));
        qint64 now = clock->nowMSecs();
        for (int done = 1; done <= 3; ++done) {
            QTRY_COMPARE(progressed.count(), done);
            now += 2000;
            clock->setNowMSecs(now); // a live pass comes due
            if (done == 1)
                QVERIFY(journal.shareEntered.tryAcquire(1, 5000)); // and waits
            next.release();
        }
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        journal.holdShares = false;
        journal.shareOpen.release(3);
        QTRY_COMPARE(journal.shareCalls(), 2); // while the run goes on: an ended one is not
        gate.open.release();                   // written any more
        QVERIFY(journaled.scheduler.stop(5s).isClean());
        QCOMPARE(journal.shareCalls(), 2);
        QCOMPARE(journal.progressWritten().last(), (RunProgress{3, 3, QStringLiteral("users")}));
    }

    // While the heartbeats fail (the database is gone), no live pass is queued: each would
    // wait for a connection that does not come, and hold the next heartbeat back.
    void noLivePassWhileTheHeartbeatsFail()
    {
        QSemaphore started;
        QSemaphore go;
        Gate gate;
        JournaledScheduler journaled(*clock, [&](JobContext &c) {
            started.release(); // claimed: the body runs only then
            if (!go.tryAcquire(1, 5000))
                return JobResult::failure(QStringLiteral("the test did not go on"));
            c.setProgress(1, 3, QStringLiteral("users"));
            return gate.pass(c);
        });
        QVERIFY(journaled.added);
        Scheduler &journaledScheduler = journaled.scheduler;
        QSignalSpy progressed(&journaledScheduler, &Scheduler::runProgress);
        journaledScheduler.start();
        QVERIFY(journaledScheduler.runNow(QStringLiteral("Counting")));
        QVERIFY(started.tryAcquire(1, 5000));
        journaled.journal->setReachable(false);
        // The pass due 2 s after the start goes first (and fails), then the heartbeat fails.
        const qint64 heartbeat =
            clock->nowMSecs() + journaledScheduler.options().heartbeatInterval.count();
        clock->setNowMSecs(heartbeat);
        QTRY_VERIFY(journaledScheduler.leaseRenewal() && !journaledScheduler.leaseRenewal()->ok);
        const int passesBefore = journaled.journal->shareCalls();
        QCOMPARE(passesBefore, 1);

        go.release();
        QTRY_COMPARE(progressed.count(), 1);
        clock->setNowMSecs(heartbeat + 2000);
        clock->setNowMSecs(heartbeat + 4000);
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        journaled.journal->setReachable(true);
        gate.open.release();
        journaledScheduler.stop(5s);
        QCOMPARE(journaled.journal->shareCalls(), passesBefore);
    }

    // A live pass fails (the database is gone for a moment): the lines it took are written by
    // the next one, not lost to the journal.
    void aLineThePassCouldNotWriteGoesWithTheNext()
    {
        Gate gate;
        JournaledScheduler journaled(*clock, [&](JobContext &c) {
            c.log().info(QStringLiteral("Batch 1 committed"));
            return gate.pass(c);
        });
        QVERIFY(journaled.added);
        OutageJournal &journal = *journaled.journal;
        journaled.scheduler.start();
        QVERIFY(journaled.scheduler.runNow(QStringLiteral("Counting")));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        journal.setReachable(false);
        clock->setNowMSecs(clock->nowMSecs() + 2000);
        QTRY_COMPARE(journal.shareCalls(), 1);
        journal.setReachable(true);
        clock->setNowMSecs(clock->nowMSecs() + 2000);
        QTRY_COMPARE(journal.shareCalls(), 2);
        const auto written = journal.linesWritten();
        const auto batch = std::find_if(written.cbegin(), written.cend(), [](const auto &line) {
            return line.second == QStringLiteral("Batch 1 committed");
        });
        QVERIFY(batch != written.cend());
        QCOMPARE(std::count(written.cbegin(), written.cend(), *batch), 1);
        gate.open.release();
        QVERIFY(journaled.scheduler.stop(5s).isClean());
    }

    // A pass has a run's lines in flight when the run ends, and then fails: the end wrote them
    // anyway, in order with the last ones. (A pass once took the lines it sent from the
    // run, and the end sent only those after them.)
    void theEndWritesTheLinesAFailingPassHadInFlight()
    {
        QSemaphore logged;
        QSemaphore go;
        JournaledScheduler journaled(*clock, [&](JobContext &c) {
            c.log().info(QStringLiteral("first"));
            logged.release();
            if (!go.tryAcquire(1, 5000))
                return JobResult::failure(QStringLiteral("the test did not go on"));
            c.log().info(QStringLiteral("last"));
            return JobResult::success();
        });
        QVERIFY(journaled.added);
        OutageJournal &journal = *journaled.journal;
        journal.holdShares = true;
        journal.failShareWrites = true;
        QSignalSpy finished(&journaled.scheduler, &Scheduler::runFinished);
        journaled.scheduler.start();
        QVERIFY(journaled.scheduler.runNow(QStringLiteral("Counting")));
        QVERIFY(logged.tryAcquire(1, 5000));
        clock->setNowMSecs(clock->nowMSecs() + 2000);
        QVERIFY(journal.shareEntered.tryAcquire(1, 5000)); // the pass has "first" in flight
        go.release();
        QTRY_COMPARE(finished.count(), 1);
        journal.holdShares = false;
        journal.shareOpen.release(); // and fails
        QVERIFY(journaled.scheduler.stop(5s).isClean());
        QStringList messages;
        for (const auto &[seq, message] : journal.linesWritten())
            messages.append(message);
        QVERIFY2(messages.contains(QStringLiteral("first")), qPrintable(messages.join(u", ")));
        QVERIFY(messages.indexOf(QStringLiteral("first")) <
                messages.indexOf(QStringLiteral("last")));
    }

    // The database goes away as a run ends: its end cannot be written, and its row said
    // `running` for ever (its holder lives on its own host, so no lease expired it; its own
    // retry found the occurrence "already taken" by it). The end is kept and written by the
    // first heartbeat that gets through, not by one that fails.
    void anEndTheDatabaseMissedIsWrittenWhenItIsBack()
    {
        Gate gate;
        JournaledScheduler journaled(*clock, [&](JobContext &c) {
            c.log().info(QStringLiteral("Batch 1 committed"));
            gate.pass(c);
            return JobResult::failure(QStringLiteral("Could not reach the database"));
        });
        QVERIFY(journaled.added);
        OutageJournal &journal = *journaled.journal;
        Scheduler &journaledScheduler = journaled.scheduler;
        QSignalSpy finished(&journaledScheduler, &Scheduler::runFinished);
        journaledScheduler.start();
        QVERIFY(journaledScheduler.runNow(QStringLiteral("Counting")));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        journal.setReachable(false);
        gate.open.release();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!lastRecord(finished).journalError.isEmpty());
        QCOMPARE(journal.endsWritten().size(), 0);

        const qint64 beat = journaledScheduler.options().heartbeatInterval.count();
        clock->setNowMSecs(clock->nowMSecs() + beat); // still away: kept
        QTRY_VERIFY(journaledScheduler.leaseRenewal() && !journaledScheduler.leaseRenewal()->ok);
        QCOMPARE(journal.endsWritten().size(), 0);
        journal.setReachable(true);
        clock->setNowMSecs(clock->nowMSecs() + beat);
        QTRY_COMPARE(journal.endsWritten().size(), 1);
        QCOMPARE(journal.endsWritten().constFirst(), std::pair(qint64(1), RunOutcome::Failed));
        const auto lines = journal.linesWritten();
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const auto &line) {
            return line.second == QStringLiteral("Batch 1 committed");
        }));
        QVERIFY(journaledScheduler.stop(5s).isClean());
        QCOMPARE(journal.endsWritten().size(), 1); // once
    }

    // An end refused while the database answers (another instance marked the row meanwhile)
    // is refused for good: tried once more, then dropped, not at every heartbeat.
    void anEndRefusedForGoodIsDropped()
    {
        Gate gate;
        JournaledScheduler journaled(*clock, [&](JobContext &c) { return gate.pass(c); });
        QVERIFY(journaled.added);
        OutageJournal &journal = *journaled.journal;
        Scheduler &journaledScheduler = journaled.scheduler;
        QSignalSpy finished(&journaledScheduler, &Scheduler::runFinished);
        journaledScheduler.start();
        QVERIFY(journaledScheduler.runNow(QStringLiteral("Counting")));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        journal.refuseEnds = true;
        gate.open.release();
        QTRY_COMPARE(finished.count(), 1);
        const int calls = journal.finishCalls();
        const qint64 beat = journaledScheduler.options().heartbeatInterval.count();
        clock->setNowMSecs(clock->nowMSecs() + beat);
        QTRY_VERIFY(journaledScheduler.leaseRenewal() && journaledScheduler.leaseRenewal()->ok);
        QTRY_COMPARE(journal.finishCalls(), calls + 1);
        const qint64 second = clock->nowMSecs() + beat;
        clock->setNowMSecs(second);
        QTRY_VERIFY(journaledScheduler.leaseRenewal()->attemptedAtMSecs == second);
        QCOMPARE(journal.finishCalls(), calls + 1);
        QVERIFY(journaledScheduler.stop(5s).isClean());
    }

    // An admin cancels a run of this instance from a console elsewhere (its journal row): the
    // next live pass, 2 s on, stops it. The heartbeat (15 s) is not waited for.
    void aCancelAskedElsewhereStopsTheRunWithinALivePass()
    {
        Gate gate;
        JournaledScheduler journaled(*clock, [&](JobContext &c) { return gate.pass(c); });
        QVERIFY(journaled.added);
        Scheduler &journaledScheduler = journaled.scheduler;
        QSignalSpy finished(&journaledScheduler, &Scheduler::runFinished);
        journaledScheduler.start();
        QVERIFY(journaledScheduler.runNow(QStringLiteral("Counting")));
        QVERIFY(gate.entered.tryAcquire(1, 5000));
        journaled.journal->askToCancel(1); // the journal's first id
        const qint64 pass = clock->nowMSecs() + 2000;
        QVERIFY(pass < clock->nowMSecs() + journaledScheduler.options().heartbeatInterval.count());
        clock->setNowMSecs(pass);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Cancelled);
        QVERIFY(journaledScheduler.stop(5s).isClean());
    }

    // A slot of runProgress that stops the scheduler ends the run inside the signal: what
    // follows the signal must not touch the run any more.
    void stopFromAProgressSlot()
    {
        Gate gate;
        JournaledScheduler journaled(*clock, [&](JobContext &c) {
            c.setProgress(1, 10, QStringLiteral("users"));
            return gate.pass(c);
        });
        QVERIFY(journaled.added);
        Scheduler &journaledScheduler = journaled.scheduler;
        StopReport report;
        connect(
            &journaledScheduler, &Scheduler::runProgress, this,
            [&] { report = journaledScheduler.stop(5s); }, Qt::SingleShotConnection);
        journaledScheduler.start();
        QVERIFY(journaledScheduler.runNow(QStringLiteral("Counting")));
        QTRY_COMPARE(journaledScheduler.state(), Scheduler::State::Stopped);
        QVERIFY(report.isClean());
        QCOMPARE(report.finished, 1);
    }

    void stopAbandonsABodyThatIgnoresIt()
    {
        auto release = std::make_shared<QSemaphore>();
        auto entered = std::make_shared<QSemaphore>();
        QVERIFY(scheduler->addJob(
            job(QStringLiteral("Deaf"), "0 * * * *", [release, entered](JobContext &) {
                entered->release();
                release->acquire();
                entered->release();
                return JobResult::success();
            })));
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        QVERIFY(scheduler->runNow(QStringLiteral("Deaf")));
        QVERIFY(entered->tryAcquire(1, 5000));
        const StopReport report = scheduler->stop(50ms);
        QCOMPARE(report.abandoned.size(), 1);
        QCOMPARE(report.abandoned.first().job, QStringLiteral("Deaf"));
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Abandoned);
        release->release();
        QVERIFY(entered->tryAcquire(1, 5000)); // the body ends late, after the scheduler stopped
    }

    void monthlyJobWeeksAwayFiresOnTime()
    {
        clock->setNow(utc("2026-01-01T00:00:01Z"));
        auto firstOfMonth = Schedule::parse(QStringLiteral("first-of-month"), QTimeZone("UTC"));
        QVERIFY(scheduler->addJob(
            JobDefinition{QStringLiteral("Monthly"), {}, firstOfMonth.value(), succeed, {}}));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        scheduler->start();
        // 31 days away: far beyond what a QTimer can hold. The timer is armed for at most
        // the bounded interval and re-reads the clock.
        const int wakeIn = scheduler->msecsUntilWake();
        QVERIFY2(wakeIn >= 0 && wakeIn <= 60000, qPrintable(QString::number(wakeIn)));
        clock->setNow(utc("2026-01-31T23:59:59.999Z"));
        QCOMPARE(started.count(), 0);
        clock->setNow(utc("2026-02-01T00:00:00Z"));
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.last().at(0).value<RunInfo>().occurrence, utc("2026-02-01T00:00:00Z"));
    }

    void realTimerWakesTheScheduler()
    {
        // With the system's timer doing the waking (no clock notification), a job due in
        // 30 ms of clock time runs once the bounded timer fires.
        Scheduler::Options options;
        options.maxWakeInterval = 20ms;
        Scheduler real(*clock, options);
        QVERIFY(real.addJob(job(QStringLiteral("Soon"), "0 * * * *", succeed)));
        QSignalSpy started(&real, &Scheduler::runStarted);
        real.start();
        clock->blockSignals(true);
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        clock->blockSignals(false);
        QTRY_COMPARE(started.count(), 1);
        QVERIFY(real.wakeCount() >= 1);
    }

    void clockJumpsRunNothingTwice()
    {
        QVERIFY(scheduler->addJob(job(QStringLiteral("Ten"), "*/10 * * * *", succeed)));
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy skipped(scheduler.get(), &Scheduler::occurrenceSkipped);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T12:00:00Z")); // forward 2 hours
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.last().at(0).value<RunInfo>().occurrence, utc("2026-01-15T12:00:00Z"));
        QCOMPARE(skipped.count(), 1);
        QCOMPARE(skipped.last().at(2).value<SkipReason>(), SkipReason::Coalesced);
        QCOMPARE(skipped.last().at(3).toInt(), 11); // 10:10 .. 11:50
        QTRY_COMPARE(finished.count(), 1);

        clock->setNow(utc("2026-01-15T11:00:00Z")); // back 1 hour
        clock->setNow(utc("2026-01-15T11:10:00Z"));
        clock->setNow(utc("2026-01-15T12:00:00Z"));
        QCOMPARE(started.count(), 1);
        clock->setNow(utc("2026-01-15T12:10:00Z"));
        QCOMPARE(started.count(), 2);
        QCOMPARE(started.last().at(0).value<RunInfo>().occurrence, utc("2026-01-15T12:10:00Z"));
    }

    void missedWhileDown_data()
    {
        QTest::addColumn<QString>("schedule");
        QTest::addColumn<bool>("catchUp");
        QTest::addColumn<int>("windowHours");       // 0: no window
        QTest::addColumn<QDateTime>("expectedRun"); // invalid: nothing runs
        QTest::addColumn<int>("expectedMissed");
        QTest::addColumn<QDateTime>("missedAt");
        // Down from 2026-01-01 00:00 (the last occurrence dealt with) to 2026-02-10 12:00.
        QTest::newRow("monthly catches up February once")
            << "first-of-month" << true << 0 << utc("2026-02-01T00:00:00Z") << 0 << QDateTime();
        QTest::newRow("daily catches up the latest, 39 coalesced")
            << "daily" << true << 0 << utc("2026-02-10T00:00:00Z") << 39
            << utc("2026-01-02T00:00:00Z");
        QTest::newRow("daily with skip policy runs nothing")
            << "daily" << false << 0 << QDateTime() << 40 << utc("2026-02-10T00:00:00Z");
        QTest::newRow("daily outside its catch-up window runs nothing")
            << "daily" << true << 1 << QDateTime() << 40 << utc("2026-02-10T00:00:00Z");
    }
    void missedWhileDown()
    {
        QFETCH(QString, schedule);
        QFETCH(bool, catchUp);
        QFETCH(int, windowHours);
        QFETCH(QDateTime, expectedRun);
        QFETCH(int, expectedMissed);
        QFETCH(QDateTime, missedAt);
        clock->setNow(utc("2026-02-10T12:00:00Z"));
        JobDefinition def = job(QStringLiteral("Downtime"), "0 0 * * *", succeed);
        def.schedule = Schedule::parse(schedule, QTimeZone("UTC")).value();
        def.policies.missed.action =
            catchUp ? MissedRunPolicy::Action::CatchUp : MissedRunPolicy::Action::Skip;
        if (windowHours > 0)
            def.policies.missed.catchUpWindow = std::chrono::hours(windowHours);
        QVERIFY(scheduler->addJob(def));
        scheduler->setLastOccurrences(
            {{QStringLiteral("Downtime"), utc("2026-01-01T00:00:00Z").toMSecsSinceEpoch()}});
        QSignalSpy started(scheduler.get(), &Scheduler::runStarted);
        QSignalSpy skipped(scheduler.get(), &Scheduler::occurrenceSkipped);
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        QCOMPARE(started.count(), expectedRun.isValid() ? 1 : 0);
        if (expectedRun.isValid()) {
            const auto run = started.first().at(0).value<RunInfo>();
            QCOMPARE(run.trigger, RunTrigger::CatchUp);
            QCOMPARE(run.occurrence, expectedRun);
            QTRY_COMPARE(finished.count(), 1);
        }
        QCOMPARE(skipped.count(), expectedMissed > 0 ? 1 : 0);
        if (expectedMissed > 0) {
            QCOMPARE(skipped.first().at(2).value<SkipReason>(), SkipReason::Coalesced);
            QCOMPARE(skipped.first().at(3).toInt(), expectedMissed);
            QCOMPARE(skipped.first().at(1).toDateTime(), missedAt);
        }
        // Nothing missed is run again later.
        clock->setNow(utc("2026-02-10T23:59:59Z"));
        QCOMPARE(started.count(), expectedRun.isValid() ? 1 : 0);
    }

    // Nothing lost in an outage: an occurrence whose claim could not reach the database has
    // no row, so it is recorded missed, saying why, by the first write after the database
    // is back (here: the next heartbeat). A manual run's failure is only told.
    void occurrencesOfAnOutageAreRecordedWhenItEnds()
    {
        Scheduler::Options options;
        options.jitterSeed = 42;
        options.instanceId = QStringLiteral("test:1");
        options.heartbeatInterval = 10s;
        Scheduler journaled(*clock, options);
        auto journal = std::make_shared<OutageJournal>();
        journaled.setJournal(journal);
        QVERIFY(journaled.addJob(job(QStringLiteral("Every minute"), "* * * * *", succeed)));
        QSignalSpy finished(&journaled, &Scheduler::runFinished);
        journaled.start();

        journal->setReachable(false);
        LogCapture log;
        int runs = 0;
        for (const char *at : {"2026-01-15T10:01:00Z", "2026-01-15T10:02:00Z"}) {
            clock->setNow(utc(at));
            ++runs;
            QTRY_COMPARE(finished.count(), runs);
            QCOMPARE(lastRecord(finished).outcome, RunOutcome::Failed);
        }
        // Said as what it is: no run exists (this process's own run count named one that did
        // not, "Job execution failed outcome=failed runId=2").
        QVERIFY(log.contains(QStringLiteral("Run not started")));
        QVERIFY2(!log.contains(QStringLiteral("Job execution failed")),
                 qPrintable(log.lines().join(u'\n')));
        QVERIFY(journaled.runNow(QStringLiteral("Every minute")));
        QTRY_COMPARE(finished.count(), 3);
        QVERIFY(journal->skippedNow().isEmpty());

        journal->setReachable(true);
        clock->setNow(utc("2026-01-15T10:02:30Z")); // a heartbeat is due: the journal writes
        QTRY_COMPARE(journal->skippedNow().size(), 2);
        const QList<RunJournal::Skipped> missed = journal->skippedNow();
        QCOMPARE(missed.at(0).occurrenceMSecs, utc("2026-01-15T10:01:00Z").toMSecsSinceEpoch());
        QCOMPARE(missed.at(1).occurrenceMSecs, utc("2026-01-15T10:02:00Z").toMSecsSinceEpoch());
        for (const RunJournal::Skipped &one : missed) {
            QCOMPARE(one.reason, SkipReason::DatabaseUnavailable);
            QCOMPARE(one.occurrenceKey, QDateTime::fromMSecsSinceEpoch(one.occurrenceMSecs, Qt::UTC)
                                            .toString(Qt::ISODateWithMs));
            QVERIFY2(one.detail.contains(QStringLiteral("could not be reached")),
                     qPrintable(one.detail));
        }
        clock->setNow(utc("2026-01-15T10:03:00Z")); // and runs go on being claimed
        QTRY_COMPARE(finished.count(), 4);
        QCOMPARE(lastRecord(finished).outcome, RunOutcome::Succeeded);
        QCOMPARE(journal->skippedNow().size(), 2);
        journaled.stop(5s);
    }

    // A burst: 100 jobs due at one instant are claimed in rounds (RunJournal::claimAll), not one
    // transaction each: while the first round is held at the journal's gate, the other 99
    // claims queue, and the next round takes them all. Each run is told finished only once
    // its end is written.
    void burstIsClaimedAndRecordedInRounds()
    {
        Scheduler::Options options;
        options.jitterSeed = 42;
        options.instanceId = QStringLiteral("test:1");
        Scheduler journaled(*clock, options);
        auto journal = std::make_shared<BatchCountingJournal>();
        journaled.setJournal(journal);
        constexpr int Jobs = 100;
        for (int i = 0; i < Jobs; ++i)
            QVERIFY(journaled.addJob(job(QStringLiteral("Burst %1").arg(i), "* * * * *", succeed)));
        QSignalSpy started(&journaled, &Scheduler::runStarted);
        QSignalSpy finished(&journaled, &Scheduler::runFinished);
        int endedBeforeWritten = 0;
        connect(&journaled, &Scheduler::runFinished, this, [&](const RunRecord &record) {
            endedBeforeWritten += journal->isFinished(record.storedRunId) ? 0 : 1;
        });
        journaled.start();

        clock->setNow(utc("2026-01-15T10:01:00Z"));
        QTRY_COMPARE(started.count(), Jobs); // every run handed over, its claim queued
        journal->openGate();
        QTRY_COMPARE(finished.count(), Jobs);
        journaled.stop(5s);

        QCOMPARE(journal->singleClaims(), 0);
        const QList<qsizetype> rounds = journal->claimRounds();
        QVERIFY2(rounds.size() <= 2,
                 qPrintable(QStringLiteral("%1 claim rounds").arg(rounds.size())));
        QCOMPARE(std::accumulate(rounds.cbegin(), rounds.cend(), qsizetype(0)), Jobs);
        const QList<qsizetype> ends = journal->finishRounds();
        QCOMPARE(std::accumulate(ends.cbegin(), ends.cend(), qsizetype(0)), Jobs);
        QCOMPARE(endedBeforeWritten, 0);
        for (const QList<QVariant> &signal : std::as_const(finished))
            QCOMPARE(signal.at(0).value<RunRecord>().outcome, RunOutcome::Succeeded);
    }

    // The database came back, and the instance stops before anything else is written: the
    // journal still records the outage's occurrence on its way out.
    void occurrencesOfAnOutageAreRecordedAtStop()
    {
        auto journal = std::make_shared<OutageJournal>();
        {
            Scheduler::Options options;
            options.jitterSeed = 42;
            options.instanceId = QStringLiteral("test:1");
            options.heartbeatInterval = 1h; // no heartbeat writes in between
            Scheduler journaled(*clock, options);
            journaled.setJournal(journal);
            QVERIFY(journaled.addJob(job(QStringLiteral("Every minute"), "* * * * *", succeed)));
            QSignalSpy finished(&journaled, &Scheduler::runFinished);
            journaled.start();
            journal->setReachable(false);
            clock->setNow(utc("2026-01-15T10:01:00Z"));
            QTRY_COMPARE(finished.count(), 1);
            QCOMPARE(lastRecord(finished).outcome, RunOutcome::Failed);
            journal->setReachable(true);
            journaled.stop(5s);
        }
        QCOMPARE(journal->skippedNow().size(), 1);
        QCOMPARE(journal->skippedNow().first().reason, SkipReason::DatabaseUnavailable);
    }

    // The lease's health, for the metrics: each heartbeat pass reports whether the journal
    // took its writes; a failed pass keeps the instant of the last good one, so an admin sees
    // how old the leases this instance holds are.
    void leaseRenewalFollowsTheHeartbeats()
    {
        QVERIFY(!scheduler->leaseRenewal()); // no journal: nothing to renew
        Scheduler::Options options;
        options.jitterSeed = 42;
        options.instanceId = QStringLiteral("test:1");
        options.heartbeatInterval = 10s;
        Scheduler journaled(*clock, options);
        auto journal = std::make_shared<OutageJournal>();
        journaled.setJournal(journal);
        Gate gate;
        QVERIFY(journaled.addJob(
            job(QStringLiteral("Held"), "0 0 1 1 *", [&](JobContext &c) { return gate.pass(c); })));
        journaled.start();
        QVERIFY(!journaled.leaseRenewal()); // before the first pass
        QVERIFY(journaled.runNow(QStringLiteral("Held")));
        QVERIFY(gate.entered.tryAcquire(1, 5000));

        const qint64 first = utc("2026-01-15T10:00:10Z").toMSecsSinceEpoch();
        clock->setNowMSecs(first);
        QTRY_VERIFY(journaled.leaseRenewal() &&
                    journaled.leaseRenewal()->attemptedAtMSecs == first);
        QVERIFY(journaled.leaseRenewal()->ok);
        QCOMPARE(journaled.leaseRenewal()->renewedAtMSecs, first);

        journal->setReachable(false);
        const qint64 second = first + 10000;
        clock->setNowMSecs(second);
        QTRY_VERIFY(journaled.leaseRenewal()->attemptedAtMSecs == second);
        QVERIFY(!journaled.leaseRenewal()->ok);
        QCOMPARE(journaled.leaseRenewal()->renewedAtMSecs, first);

        journal->setReachable(true);
        gate.open.release();
        journaled.stop(5s);
    }

    void thousandJobsAtOneInstantEachRunOnce()
    {
        QHash<QString, int> runs;
        QMutex mutex;
        for (int i = 0; i < 1000; ++i) {
            QVERIFY(scheduler->addJob(
                job(QStringLiteral("job-%1").arg(i), "0 11 * * *", [&](JobContext &context) {
                    QMutexLocker lock(&mutex);
                    ++runs[context.jobName()];
                    return JobResult::success();
                })));
        }
        QSignalSpy finished(scheduler.get(), &Scheduler::runFinished);
        scheduler->start();
        clock->setNow(utc("2026-01-15T11:00:00Z"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1000, 30000);
        clock->setNow(utc("2026-01-15T11:00:30Z"));
        QTest::qWait(20);
        QCOMPARE(finished.count(), 1000);
        QMutexLocker lock(&mutex);
        QCOMPARE(runs.size(), 1000);
        for (auto it = runs.cbegin(); it != runs.cend(); ++it)
            QCOMPARE(it.value(), 1);
    }

private:
    std::unique_ptr<ManualClock> clock;
    std::unique_ptr<Scheduler> scheduler;
};

QTEST_GUILESS_MAIN(tst_Scheduler)
#include "tst_scheduler.moc"
