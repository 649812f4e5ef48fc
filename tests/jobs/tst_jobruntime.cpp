// The runtime on a real database: occurrences claimed once across instances, pauses stored
// in the database honoured (their occurrences recorded missed, caught up on resume when the
// policy says so), stored settings followed while running. Manual clock: a 20-second soak
// runs in milliseconds.
#include "EnginePrinters.h"
#include "TestDatabases.h"

#include "common/BackgroundPriority.h"
#include "engine/JobContext.h"
#include "engine/ManualClock.h"
#include "engine/RunJournal.h"
#include "jobs/HistoryRetentionJob.h"
#include "jobs/JobRuntime.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "jobs/StaleCreditPurchaseCleanupJob.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <atomic>

using namespace jc;
using namespace std::chrono_literals;

namespace {

const QString job = QString::fromLatin1(HistoryRetentionJob::name);

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// A runtime of instance `instance` in UTC, with `options` for the rest (the app's jobs unless
// it names its own).
std::unique_ptr<JobRuntime> makeRuntime(const std::shared_ptr<ConnectionFactory> &database,
                                        Clock &clock, const QString &instance,
                                        JobRuntime::Options options)
{
    options.zone = QTimeZone("UTC");
    options.scheduler.instanceId = instance;
    options.scheduler.jitterSeed = 7;
    auto runtime = JobRuntime::create(database, clock, options);
    if (!runtime)
        qFatal("runtime: %s", qPrintable(runtime.error()));
    return std::move(runtime).value();
}

// The app's jobs, the retention job on `schedule` (empty: its own), others per `otherOverrides`.
std::unique_ptr<JobRuntime> makeRuntime(const std::shared_ptr<ConnectionFactory> &database,
                                        Clock &clock, const QString &instance,
                                        const QString &schedule,
                                        const QStringList &otherOverrides = {})
{
    JobRuntime::Options options;
    if (!schedule.isEmpty())
        options.scheduleOverrides = {job + u'=' + schedule};
    options.scheduleOverrides += otherOverrides;
    return makeRuntime(database, clock, instance, std::move(options));
}

int countRows(ConnectionFactory &factory, const QString &where)
{
    auto db = factory.connectionForCurrentThread();
    QSqlQuery query(db.value());
    query.exec(QStringLiteral("SELECT COUNT(*) FROM jc_runs WHERE ") + where);
    return query.next() ? query.value(0).toInt() : -1;
}

// Migrates the database, sets the job's catchUpOnResume and pauses it (alice, `nowMSecs`).
// Returns what failed, or nothing.
QString pauseCatchingUp(const std::shared_ptr<ConnectionFactory> &factory, qint64 nowMSecs)
{
    if (const auto migrated = Migrator().migrate(factory->connectionForCurrentThread().value());
        !migrated)
        return migrated.error();
    if (const auto set = JobSettingsStore(factory).set(
            job, QJsonObject{{u"catchUpOnResume"_qs, true}}, u"alice"_qs, nowMSecs);
        !set)
        return set.error();
    if (const auto paused =
            PauseStore(factory).pause(job, u"alice"_qs, u"migrating"_qs, std::nullopt, nowMSecs);
        !paused)
        return paused.error();
    return {};
}

// A scheduled run of `name`'s `occurrence` that succeeded: the journal's last occurrence.
QString insertSucceededRun(ConnectionFactory &factory, const QString &name,
                           const QDateTime &occurrence)
{
    RunInfo info;
    info.job = name;
    info.occurrence = occurrence;
    const qint64 at = occurrence.toMSecsSinceEpoch();
    QSqlQuery query(factory.connectionForCurrentThread().value());
    query.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                  "status, started_at_ms, finished_at_ms, attempts, instance_id) VALUES (?, "
                  "'scheduled', ?, ?, 'succeeded', ?, ?, 1, 'earlier')"_qs);
    for (const QVariant &value : QVariantList{name, at, RunJournal::occurrenceKey(info), at, at})
        query.addBindValue(value);
    return query.exec() ? QString() : query.lastError().text();
}

} // namespace

class tst_JobRuntime : public QObject
{
    Q_OBJECT

private slots:
    void twoInstancesRunEachOccurrenceOnce_data() { test::addDatabaseRowsWithMySql(); }
    void twoInstancesRunEachOccurrenceOnce()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        // Two instances in one process, each with its own connections.
        auto factoryA = std::make_shared<ConnectionFactory>(database.url());
        auto factoryB = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factoryA->connectionForCurrentThread().value()));

        ManualClock clock(utc("2026-01-15T10:00:00Z"));
        auto a = makeRuntime(factoryA, clock, QStringLiteral("instance-a"),
                             QStringLiteral("* * * * * *"));
        auto b = makeRuntime(factoryB, clock, QStringLiteral("instance-b"),
                             QStringLiteral("* * * * * *"));
        QSignalSpy finishedA(&a->scheduler(), &Scheduler::runFinished);
        QSignalSpy finishedB(&b->scheduler(), &Scheduler::runFinished);
        QSignalSpy refusedA(&a->scheduler(), &Scheduler::runRefused);
        QSignalSpy refusedB(&b->scheduler(), &Scheduler::runRefused);
        a->scheduler().start();
        b->scheduler().start();
        for (int second = 1; second <= 20; ++second) {
            clock.advance(1s);
            // Both instances wanted this occurrence; one ran it, the other was refused.
            QTRY_COMPARE_WITH_TIMEOUT(finishedA.count() + finishedB.count(), second, 10000);
            QTRY_COMPARE_WITH_TIMEOUT(refusedA.count() + refusedB.count(), second, 10000);
        }
        a->scheduler().stop(5s);
        b->scheduler().stop(5s);
        QCOMPARE(countRows(*factoryA, QStringLiteral("status = 'succeeded'")), 20);
        QCOMPARE(countRows(*factoryA, QStringLiteral("status = 'running'")), 0);
        QCOMPARE(countRows(*factoryA, QStringLiteral("1 = 1")), 20);
    }

    // Another instance took a live run for dead and marked it interrupted (its clock ran ahead,
    // or a partition kept the heartbeats away). The run must not go on unprotected: its next
    // heartbeat learns that the row is no longer its own, asks the body to stop, and the
    // outcome says why; the row stays interrupted and adds the run's own account.
    void lostLeaseStopsTheRun_data() { test::addDatabaseRowsWithMySql(); }
    void lostLeaseStopsTheRun()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:00:00Z"));
        const auto schedule = Schedule::parse(u"0 0 1 1 *"_qs, QTimeZone("UTC"));
        QVERIFY(schedule);
        const auto body = [](JobContext &context) {
            const QDeadlineTimer deadline(30000); // far beyond any wait of this test
            while (context.stopToken().sleepFor(10ms) && !deadline.hasExpired()) {
            }
            return JobResult::failure(u"stopped after 3 of 10 batches"_qs);
        };
        JobRuntime::Options options;
        options.jobs = QList<JobDefinition>{{u"Long"_qs, {}, schedule.value(), body, {}}};
        options.scheduler.heartbeatInterval = 1s;
        auto runtime = makeRuntime(factory, clock, u"instance-a"_qs, std::move(options));
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();
        QVERIFY(runtime->scheduler().runNow(u"Long"_qs));
        QTRY_COMPARE_WITH_TIMEOUT(countRows(*factory, u"status = 'running'"_qs), 1, 10000);

        // Another instance's sweep, as it writes it.
        QSqlQuery sweep(factory->connectionForCurrentThread().value());
        QVERIFY2(sweep.exec(u"UPDATE jc_runs SET status = 'interrupted', finished_at_ms = "
                            "heartbeat_at_ms, error = 'The instance running it stopped "
                            "heartbeating' WHERE status = 'running'"_qs),
                 qPrintable(sweep.lastError().text()));
        clock.advance(1s); // the next heartbeat
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        const auto record = finished.first().first().value<RunRecord>();
        QCOMPARE(record.outcome, RunOutcome::Interrupted);
        QVERIFY2(record.error.startsWith(u"Stopped because it had lost its lease (the run is now "
                                         "interrupted on instance instance-a)"_qs),
                 qPrintable(record.error));
        runtime->scheduler().stop(5s);

        const auto runs = RunHistory(factory).runs({});
        QVERIFY(runs && runs->size() == 1);
        const StoredRun &run = runs->first();
        QCOMPARE(run.outcome, RunOutcome::Interrupted);
        QVERIFY2(run.error.startsWith(u"The instance running it stopped heartbeating. Its "
                                      "instance was in fact alive: Stopped because"_qs),
                 qPrintable(run.error));
        QCOMPARE(run.finishedAt, record.finishedAt);
        const auto log = RunHistory(factory).logLines(run.id, -1, 100);
        QVERIFY(log);
        QStringList messages;
        for (const StoredLogLine &line : log.value())
            messages.append(toText(line.level) + u' ' + line.message);
        QVERIFY2(std::any_of(log->cbegin(), log->cend(),
                             [](const StoredLogLine &line) {
                                 return line.level == LogLevel::Error &&
                                        line.message.startsWith(u"Lost its lease"_qs);
                             }),
                 qPrintable(messages.join(u" | "_qs)));
    }

    // Instance b finds that a's run of the latest occurrence was marked interrupted (a's lease
    // was taken for lost while a lived on) and catches the occurrence up, taking the row over.
    // a's next heartbeat learns that the run is not its own and stops its body; a's end must
    // not land on b's run: the row stays b's and ends as b's run does. One row, two bodies
    // (a's stopped), and the outcome recorded is b's.
    void aRunTakenForDeadIsCaughtUpByAnotherInstance_data() { test::addDatabaseRowsWithMySql(); }
    void aRunTakenForDeadIsCaughtUpByAnotherInstance()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factoryA = std::make_shared<ConnectionFactory>(database.url());
        auto factoryB = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factoryA->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-14T23:59:59Z"));
        const auto schedule = Schedule::parse(u"0 0 * * *"_qs, QTimeZone("UTC"));
        QVERIFY(schedule);
        auto bodies = std::make_shared<std::atomic<int>>(0);
        auto release = std::make_shared<std::atomic<bool>>(false);
        const auto body = [bodies, release](JobContext &context) {
            ++*bodies;
            const QDeadlineTimer deadline(30000); // far beyond any wait of this test
            while (!release->load() && context.stopToken().sleepFor(10ms) &&
                   !deadline.hasExpired()) {
            }
            return release->load() ? JobResult::success() : JobResult::failure(u"stopped"_qs);
        };
        const auto runtime = [&](const std::shared_ptr<ConnectionFactory> &factory,
                                 const QString &instance, std::chrono::milliseconds heartbeat) {
            JobRuntime::Options options;
            options.jobs = QList<JobDefinition>{{u"Nightly"_qs, {}, schedule.value(), body, {}}};
            options.scheduler.heartbeatInterval = heartbeat;
            return makeRuntime(factory, clock, instance, std::move(options));
        };
        auto a = runtime(factoryA, u"instance-a"_qs, 1h);
        QSignalSpy finishedA(&a->scheduler(), &Scheduler::runFinished);
        a->scheduler().start();
        clock.advance(1s); // midnight: a runs the occurrence
        QTRY_COMPARE_WITH_TIMEOUT(countRows(*factoryA, u"status = 'running'"_qs), 1, 10000);
        auto b = runtime(factoryB, u"instance-b"_qs, 1s);
        QSignalSpy finishedB(&b->scheduler(), &Scheduler::runFinished);
        b->scheduler().start();

        // Another instance's sweep, as it writes it.
        QSqlQuery sweep(factoryA->connectionForCurrentThread().value());
        QVERIFY2(sweep.exec(u"UPDATE jc_runs SET status = 'interrupted', finished_at_ms = "
                            "heartbeat_at_ms, error = 'The instance running it stopped "
                            "heartbeating' WHERE status = 'running'"_qs),
                 qPrintable(sweep.lastError().text()));
        clock.advance(1s); // b's next heartbeat finds it and catches it up
        QTRY_COMPARE_WITH_TIMEOUT(
            countRows(*factoryA, u"status = 'running' AND instance_id = 'instance-b'"_qs), 1,
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(bodies->load(), 2, 10000);
        QVERIFY(finishedA.isEmpty());

        clock.advance(1h); // a's next heartbeat: the run is not its own any more
        QTRY_COMPARE_WITH_TIMEOUT(finishedA.count(), 1, 10000);
        const auto lost = finishedA.first().first().value<RunRecord>();
        QCOMPARE(lost.outcome, RunOutcome::Interrupted);
        QVERIFY2(lost.journalError.contains(u"taken over by another run on instance instance-b"_qs),
                 qPrintable(lost.journalError));
        QCOMPARE(countRows(*factoryA, u"status = 'running' AND instance_id = 'instance-b'"_qs), 1);

        release->store(true);
        QTRY_COMPARE_WITH_TIMEOUT(finishedB.count(), 1, 10000);
        const auto caughtUp = finishedB.first().first().value<RunRecord>();
        QCOMPARE(caughtUp.outcome, RunOutcome::Succeeded);
        QCOMPARE(caughtUp.info.trigger, RunTrigger::CatchUp);
        QCOMPARE(caughtUp.info.occurrence, utc("2026-01-15T00:00:00Z"));
        a->scheduler().stop(5s);
        b->scheduler().stop(5s);
        QCOMPARE(countRows(*factoryA, u"1 = 1"_qs), 1);
        QCOMPARE(countRows(*factoryA, u"status = 'succeeded' AND instance_id = 'instance-b'"_qs),
                 1);
        QCOMPARE(bodies->load(), 2);
    }

    // The id in a run's log lines is the one the console and `jobctl history` show and
    // `jobctl cancel` takes: the journal's, not the scheduler's own count (which starts at 1 in
    // every process, so the log of run 5 said runId=1).
    void logLinesCarryTheStoredRunId_data() { test::addDatabaseRowsWithMySql(); }
    void logLinesCarryTheStoredRunId()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        for (int day = 1; day <= 4; ++day) { // rows 1 to 4: earlier runs
            const QString inserted = insertSucceededRun(*factory, u"Earlier"_qs,
                                                        utc("2026-01-01T00:00:00Z").addDays(day));
            QVERIFY2(inserted.isEmpty(), qPrintable(inserted));
        }
        ManualClock clock(utc("2026-01-15T10:00:00Z"));
        const auto schedule = Schedule::parse(u"0 0 1 1 *"_qs, QTimeZone("UTC"));
        QVERIFY(schedule);
        const auto body = [](JobContext &context) {
            context.log().info(u"step one"_qs);
            return JobResult::success();
        };
        JobRuntime::Options options;
        options.jobs = QList<JobDefinition>{{u"Logged"_qs, {}, schedule.value(), body, {}}};
        auto runtime = makeRuntime(factory, clock, u"instance-a"_qs, std::move(options));
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);

        static QStringList lines;
        lines.clear();
        const QtMessageHandler previous =
            qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &text) {
                if (text.contains(u"runId="_qs))
                    lines.append(text);
            });
        runtime->scheduler().start();
        QVERIFY(runtime->scheduler().runNow(u"Logged"_qs));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        runtime->scheduler().stop(5s);
        qInstallMessageHandler(previous);

        const auto record = finished.first().first().value<RunRecord>();
        QCOMPARE(record.storedRunId, 5);
        QCOMPARE(lines.size(), 3); // Executing job, step one, Job completed successfully
        for (const QString &line : std::as_const(lines))
            QVERIFY2(line.contains(u"runId=5"_qs), qPrintable(line));
    }

    void storedPauseIsHonoured_data() { test::addDatabaseRowsWithMySql(); }
    void storedPauseIsHonoured()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:30:00Z"));
        QVERIFY(PauseStore(factory).pause(job, QStringLiteral("alice"),
                                          QStringLiteral("restoring a backup"), std::nullopt,
                                          clock.nowMSecs()));
        auto runtime =
            makeRuntime(factory, clock, QStringLiteral("one"), QStringLiteral("0 * * * *"));
        const auto status = runtime->scheduler().jobStatus(job);
        QVERIFY(status->paused);
        QCOMPARE(status->pausedBy, QStringLiteral("alice"));

        QSignalSpy started(&runtime->scheduler(), &Scheduler::runStarted);
        runtime->scheduler().start();
        clock.setNow(utc("2026-01-15T11:00:00Z"));
        QCOMPARE(started.count(), 0);
        // The occurrence is recorded missed (reason: paused), under its key, so no instance
        // runs it.
        QTRY_COMPARE(countRows(*factory, QStringLiteral("status = 'missed'")), 1);
        const auto runs = RunHistory(factory).runs(RunQuery{.job = job});
        QCOMPARE(runs->first().occurrence, utc("2026-01-15T11:00:00Z"));
        QVERIFY2(runs->first().error.contains(QStringLiteral("alice")) ||
                     runs->first().reason.contains(QStringLiteral("alice")),
                 qPrintable(runs->first().error + u'|' + runs->first().reason));

        QVERIFY(PauseStore(factory).resume(job, u"alice"_qs, clock.nowMSecs()));
        QVERIFY(runtime->syncNow());
        QVERIFY(!runtime->scheduler().jobStatus(job)->paused);
        // The default policy does not catch up on resume: nothing runs until the next hour.
        QCOMPARE(started.count(), 0);
        clock.setNow(utc("2026-01-15T12:00:00Z"));
        QCOMPARE(started.count(), 1);
        runtime->scheduler().stop(5s);
    }

    // An admin pauses the job from another console an instant before its occurrence, and this
    // instance has not synced yet (it would within seconds). The claim reads the pause: the
    // body does not run, and the occurrence is recorded missed, paused by alice. Before, the
    // job ran while the console said "paused" (found by the service tester, round 2).
    void aPauseStoredJustBeforeAnOccurrenceHoldsIt_data() { test::addDatabaseRowsWithMySql(); }
    void aPauseStoredJustBeforeAnOccurrenceHoldsIt()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:59:59Z"));
        auto runtime = makeRuntime(factory, clock, u"one"_qs, u"0 * * * *"_qs);
        QSignalSpy refused(&runtime->scheduler(), &Scheduler::runRefused);
        runtime->scheduler().start();

        auto otherConsole = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(
            PauseStore(otherConsole)
                .pause(job, u"alice"_qs, u"restoring a backup"_qs, std::nullopt, clock.nowMSecs()));
        QVERIFY(!runtime->scheduler().jobStatus(job)->paused); // not heard yet
        clock.setNow(utc("2026-01-15T11:00:00Z"));
        QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 10000);
        QCOMPARE(refused.first().at(1).value<SkipReason>(), SkipReason::Paused);
        QCOMPARE(refused.first().at(2).toString(),
                 u"The job is paused by alice: restoring a backup"_qs);
        QCOMPARE(countRows(*factory, u"status = 'missed' AND skip_reason = 'paused'"_qs), 1);
        QCOMPARE(countRows(*factory, u"status <> 'missed'"_qs), 0);
        runtime->scheduler().stop(5s);
    }

    // The mirror case: the job is paused here, and an admin resumes it from another console an
    // instant before its occurrence; this instance has not synced yet. The occurrence is not
    // recorded missed (the stored pause has ended): it runs, as scheduled. Before, it was
    // recorded "missed: paused" and the month of the top-up was lost (service tester, round 2,
    // defect 3, second half).
    void aResumeStoredJustBeforeAnOccurrenceRunsIt_data() { test::addDatabaseRowsWithMySql(); }
    void aResumeStoredJustBeforeAnOccurrenceRunsIt()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:59:00Z"));
        QVERIFY(PauseStore(factory).pause(job, u"alice"_qs, u"restoring a backup"_qs, std::nullopt,
                                          clock.nowMSecs()));
        auto runtime = makeRuntime(factory, clock, u"one"_qs, u"0 * * * *"_qs);
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();
        QVERIFY(runtime->scheduler().jobStatus(job)->paused);

        clock.setNow(utc("2026-01-15T10:59:59Z"));
        auto otherConsole = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(PauseStore(otherConsole).resume(job, u"alice"_qs, clock.nowMSecs()));
        QVERIFY(runtime->scheduler().jobStatus(job)->paused); // not heard yet
        clock.setNow(utc("2026-01-15T11:00:00Z"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        const auto record = finished.first().first().value<RunRecord>();
        QCOMPARE(record.outcome, RunOutcome::Succeeded);
        QCOMPARE(record.info.trigger, RunTrigger::Scheduled);
        QCOMPARE(record.info.occurrence, utc("2026-01-15T11:00:00Z"));
        runtime->scheduler().stop(5s);
        QCOMPARE(countRows(*factory, u"status = 'missed'"_qs), 0);
        QCOMPARE(countRows(*factory, u"status = 'succeeded'"_qs), 1);
    }

    // catchUpOnResume: the latest occurrence missed while paused runs once on resume, as a
    // catch-up taking over its missed row; the earlier ones stay missed. Two instances: one
    // of them runs it.
    void pausedOccurrencesCatchUpOnResume_data() { test::addDatabaseRowsWithMySql(); }
    void pausedOccurrencesCatchUpOnResume()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factoryA = std::make_shared<ConnectionFactory>(database.url());
        auto factoryB = std::make_shared<ConnectionFactory>(database.url());
        ManualClock clock(utc("2026-01-15T10:30:00Z"));
        const QString setUp = pauseCatchingUp(factoryA, clock.nowMSecs());
        QVERIFY2(setUp.isEmpty(), qPrintable(setUp));
        auto a = makeRuntime(factoryA, clock, u"a"_qs, u"0 * * * *"_qs);
        auto b = makeRuntime(factoryB, clock, u"b"_qs, u"0 * * * *"_qs);
        QVERIFY(a->scheduler().jobStatus(job)->policies.missed.catchUpOnResume);
        QSignalSpy finishedA(&a->scheduler(), &Scheduler::runFinished);
        QSignalSpy finishedB(&b->scheduler(), &Scheduler::runFinished);
        a->scheduler().start();
        b->scheduler().start();
        for (const char *hour :
             {"2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z", "2026-01-15T13:00:00Z"})
            clock.setNow(utc(hour));
        QTRY_COMPARE(countRows(*factoryA, u"status = 'missed'"_qs), 3);
        QCOMPARE(finishedA.count() + finishedB.count(), 0);

        clock.setNow(utc("2026-01-15T13:20:00Z"));
        QVERIFY(PauseStore(factoryA).resume(job, u"alice"_qs, clock.nowMSecs()));
        QVERIFY(a->syncNow());
        QVERIFY(b->syncNow());
        QTRY_COMPARE(finishedA.count() + finishedB.count(), 1);
        a->scheduler().stop(5s);
        b->scheduler().stop(5s);
        QCOMPARE(countRows(*factoryA, u"status = 'missed'"_qs), 2);
        QCOMPARE(countRows(*factoryA, u"status = 'succeeded' AND \"trigger\" = 'catch-up'"_qs), 1);
        const auto runs = RunHistory(factoryA).runs(RunQuery{.job = job});
        QCOMPARE(runs->first().occurrence, utc("2026-01-15T13:00:00Z"));
        QCOMPARE(runs->first().outcome, RunOutcome::Succeeded);
    }

    // catchUpOnResume across a restart: the pause is stored with its start, and the journal
    // says which occurrences were missed since, so an instance started while the job is paused
    // still catches up the latest of them on resume.
    void pausedOccurrencesCatchUpAfterARestart_data() { test::addDatabaseRowsWithMySql(); }
    void pausedOccurrencesCatchUpAfterARestart()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        ManualClock clock(utc("2026-01-15T10:30:00Z"));
        const QString setUp = pauseCatchingUp(factory, clock.nowMSecs());
        QVERIFY2(setUp.isEmpty(), qPrintable(setUp));
        {
            auto before = makeRuntime(factory, clock, u"before"_qs, u"0 * * * *"_qs);
            before->scheduler().start();
            for (const char *hour : {"2026-01-15T11:00:00Z", "2026-01-15T12:00:00Z"})
                clock.setNow(utc(hour));
            QTRY_COMPARE(countRows(*factory, u"status = 'missed'"_qs), 2);
            clock.setNow(utc("2026-01-15T12:10:00Z"));
            before->scheduler().stop(5s);
        }

        clock.setNow(utc("2026-01-15T12:30:00Z"));
        auto after = makeRuntime(factory, clock, u"after"_qs, u"0 * * * *"_qs);
        QSignalSpy finished(&after->scheduler(), &Scheduler::runFinished);
        after->scheduler().start();
        QVERIFY(after->scheduler().jobStatus(job)->paused);
        QCOMPARE(finished.count(), 0);

        clock.setNow(utc("2026-01-15T12:40:00Z"));
        QVERIFY(PauseStore(factory).resume(job, u"alice"_qs, clock.nowMSecs()));
        QVERIFY(after->syncNow());
        QTRY_COMPARE(finished.count(), 1);
        after->scheduler().stop(5s);
        QCOMPARE(countRows(*factory, u"status = 'missed'"_qs), 1);
        QCOMPARE(countRows(*factory, u"status = 'succeeded' AND \"trigger\" = 'catch-up'"_qs), 1);
        const auto runs = RunHistory(factory).runs(RunQuery{.job = job});
        QCOMPARE(runs->first().occurrence, utc("2026-01-15T12:00:00Z"));
        QCOMPARE(runs->first().outcome, RunOutcome::Succeeded);
    }

    // A schedule applies from the moment it changed (issue 21): the occurrences missed while
    // no instance ran are those of the schedule in force at each moment, the old one up to
    // the change and the new one strictly after it. An instance that was running when the
    // change came and one started afterwards agree, and neither starts a run for the change.
    void scheduleChangeCountsFromItsInstant_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QDateTime>("last");       // the journal's last occurrence
        QTest::addColumn<QJsonObject>("settings"); // stored at `changedAt`
        QTest::addColumn<QDateTime>("changedAt");
        QTest::addColumn<QDateTime>("startAt"); // the instance starts here
        QTest::addColumn<QDateTime>("catchUp"); // the catch-up run (invalid: none)
        QTest::addColumn<int>("missed");        // occurrences recorded missed
        QTest::addColumn<QDateTime>("nextRun");
        const QString stale = QString::fromLatin1(StaleCreditPurchaseCleanupJob::name);
        const QString topUp = QString::fromLatin1(MonthlyCreditTopUpJob::name);
        for (const auto &[db, dialect] : {std::pair{"sqlite", SqlDialect::Sqlite},
                                          std::pair{"postgresql", SqlDialect::Postgres}}) {
            // The case: daily at 00:00, then every 5 minutes from 06:05.
            QTest::addRow("%s, every 5 min from 06:05", db)
                << dialect << stale << utc("2026-01-15T00:00:00Z")
                << QJsonObject{{u"schedule"_qs, u"*/5 * * * *"_qs}} << utc("2026-01-15T06:05:00Z")
                << utc("2026-01-15T06:07:00Z") << QDateTime() << 0 << utc("2026-01-15T06:10:00Z");
            // The top-up moved to weekday nights in Berlin on Friday Dec 4: its Dec 2-4 nights
            // were not in force, nothing is owed and no money moves.
            QTest::addRow("%s, top-up on weekday nights in Berlin", db)
                << dialect << topUp << utc("2026-12-01T00:00:00Z")
                << QJsonObject{{u"schedule"_qs, u"30 2 * * MON-FRI"_qs},
                               {u"timeZone"_qs, u"Europe/Berlin"_qs}}
                << utc("2026-12-04T10:00:00Z") << utc("2026-12-04T10:05:00Z") << QDateTime() << 0
                << utc("2026-12-07T01:30:00Z");
            // Both schedules missed some: the old one's 00:00 of the 15th (before the change
            // at 10:30), the new one's 12:00 and 18:00 after it. The latest runs.
            QTest::addRow("%s, old and new occurrences both missed", db)
                << dialect << stale << utc("2026-01-14T00:00:00Z")
                << QJsonObject{{u"schedule"_qs, u"0 */6 * * *"_qs}} << utc("2026-01-15T10:30:00Z")
                << utc("2026-01-15T20:00:00Z") << utc("2026-01-15T18:00:00Z") << 2
                << utc("2026-01-16T00:00:00Z");
        }
    }
    void scheduleChangeCountsFromItsInstant()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(QString, name);
        QFETCH(QDateTime, last);
        QFETCH(QJsonObject, settings);
        QFETCH(QDateTime, changedAt);
        QFETCH(QDateTime, startAt);
        QFETCH(QDateTime, catchUp);
        QFETCH(int, missed);
        QFETCH(QDateTime, nextRun);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        const QString inserted = insertSucceededRun(*factory, name, last);
        QVERIFY2(inserted.isEmpty(), qPrintable(inserted));

        ManualClock clock(changedAt.addSecs(-60));
        if (!catchUp.isValid() && missed == 0) {
            // An instance running across the change applies it at its next poll, starts
            // nothing for it, and then waits for the same next run as one started later.
            auto running = makeRuntime(factory, clock, u"running"_qs, QString());
            QSignalSpy startedHere(&running->scheduler(), &Scheduler::runStarted);
            running->scheduler().start();
            clock.setNow(changedAt);
            QVERIFY(JobSettingsStore(factory).set(name, settings, u"alice"_qs, clock.nowMSecs()));
            clock.setNow(changedAt.addSecs(2));
            QVERIFY(running->syncNow());
            QCOMPARE(running->scheduler().jobStatus(name)->nextRun, nextRun);
            clock.setNow(startAt);
            for (const QList<QVariant> &args : startedHere)
                QVERIFY(args.at(0).value<RunInfo>().job != name);
            running->scheduler().stop(5s);
        } else {
            QVERIFY(JobSettingsStore(factory).set(name, settings, u"alice"_qs,
                                                  changedAt.toMSecsSinceEpoch()));
        }

        clock.setNow(startAt);
        auto restarted = makeRuntime(factory, clock, u"restarted"_qs, QString());
        QSignalSpy started(&restarted->scheduler(), &Scheduler::runStarted);
        QSignalSpy skipped(&restarted->scheduler(), &Scheduler::occurrenceSkipped);
        restarted->scheduler().start();
        QCOMPARE(restarted->scheduler().jobStatus(name)->nextRun, nextRun);
        QList<RunInfo> runs;
        for (const QList<QVariant> &args : started)
            if (const auto run = args.at(0).value<RunInfo>(); run.job == name)
                runs.append(run);
        QCOMPARE(runs.size(), catchUp.isValid() ? 1 : 0);
        if (catchUp.isValid()) {
            QCOMPARE(runs.first().trigger, RunTrigger::CatchUp);
            QCOMPARE(runs.first().occurrence, catchUp);
        }
        int missedCount = 0;
        for (const QList<QVariant> &args : skipped)
            if (args.at(0).toString() == name)
                missedCount += args.at(3).toInt();
        QCOMPARE(missedCount, missed);
        restarted->scheduler().stop(5s);
    }

    // A setting changed in the database reaches a running instance at its next poll: the
    // new schedule decides the next run, without a restart.
    void storedSettingsReachARunningInstance_data() { test::addDatabaseRowsWithMySql(); }
    void storedSettingsReachARunningInstance()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:30:00Z"));
        auto runtime = makeRuntime(factory, clock, u"one"_qs, QString());
        runtime->scheduler().start();
        const QString before = runtime->scheduler().jobStatus(job)->schedule.text();
        QVERIFY(before != u"*/5 * * * *"_qs);

        QVERIFY(JobSettingsStore(factory).set(
            job, QJsonObject{{u"schedule"_qs, u"*/5 * * * *"_qs}, {u"overlap"_qs, u"queue"_qs}},
            u"bob"_qs, clock.nowMSecs()));
        QVERIFY(runtime->syncNow());
        const auto status = runtime->scheduler().jobStatus(job);
        QCOMPARE(status->schedule.text(), u"*/5 * * * *"_qs);
        QCOMPARE(status->nextRun, utc("2026-01-15T10:35:00Z"));
        QCOMPARE(status->policies.overlap, OverlapPolicy::Queue);
        QSignalSpy started(&runtime->scheduler(), &Scheduler::runStarted);
        clock.setNow(utc("2026-01-15T10:35:00Z"));
        QCOMPARE(started.count(), 1);

        // Back to the defaults: the job follows its built-in schedule again.
        QVERIFY(JobSettingsStore(factory).set(job, {}, u"bob"_qs, clock.nowMSecs()));
        QVERIFY(runtime->syncNow());
        QCOMPARE(runtime->scheduler().jobStatus(job)->schedule.text(), before);
        runtime->scheduler().stop(5s);
    }

    // `serve --schedule` for two jobs; then an admin changes another setting of one of them.
    // The job is rebuilt from its new settings with its own --schedule still on top: the
    // other job's override is no reason to drop it.
    void scheduleOverridesSurviveASettingsChange_data() { test::addDatabaseRowsWithMySql(); }
    void scheduleOverridesSurviveASettingsChange()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:30:00Z"));
        const QString other = QString::fromLatin1(StaleCreditPurchaseCleanupJob::name);
        auto runtime =
            makeRuntime(factory, clock, u"one"_qs, u"*/7 * * * *"_qs, {other + u"=15 4 * * *"_qs});
        runtime->scheduler().start();
        QCOMPARE(runtime->scheduler().jobStatus(job)->schedule.text(), u"*/7 * * * *"_qs);

        QVERIFY(JobSettingsStore(factory).set(job, QJsonObject{{u"overlap"_qs, u"queue"_qs}},
                                              u"bob"_qs, clock.nowMSecs()));
        QVERIFY(runtime->syncNow());
        const auto status = runtime->scheduler().jobStatus(job);
        QCOMPARE(status->policies.overlap, OverlapPolicy::Queue);
        QCOMPARE(status->schedule.text(), u"*/7 * * * *"_qs);
        QCOMPARE(runtime->scheduler().jobStatus(other)->schedule.text(), u"15 4 * * *"_qs);
        runtime->scheduler().stop(5s);
    }

    // As jobconsole asks (BackgroundPriority): a run claimed and recorded in the database runs
    // at a lower priority than the thread that drives the scheduler (the console's GUI thread).
    // Last here: the setting is the process's from now on.
    void runsMakeWayForTheConsole_data() { test::addDatabaseRowsWithMySql(); }
    void runsMakeWayForTheConsole()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        const int own = BackgroundPriority::currentThreadNiceness();
        if (own > 19 - BackgroundPriority::desktopIncrement)
            QSKIP("The test runs too low already to see a lowering");
        BackgroundPriority::setNiceIncrement(BackgroundPriority::desktopIncrement);
        ManualClock clock(utc("2026-01-15T10:00:00Z"));
        const auto schedule = Schedule::parse(u"0 0 1 1 *"_qs, QTimeZone("UTC"));
        QVERIFY(schedule);
        std::atomic<int> niceness = -100;
        const auto body = [&niceness](JobContext &) {
            niceness = BackgroundPriority::currentThreadNiceness();
            return JobResult::success();
        };
        JobRuntime::Options options;
        options.jobs = QList<JobDefinition>{{u"Polite"_qs, {}, schedule.value(), body, {}}};
        auto runtime = makeRuntime(factory, clock, u"instance-a"_qs, std::move(options));
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();
        QVERIFY(runtime->scheduler().runNow(u"Polite"_qs));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        runtime->scheduler().stop(5s);
        QCOMPARE(finished.first().first().value<RunRecord>().storedRunId, 1);
        QCOMPARE(niceness.load(), own + BackgroundPriority::desktopIncrement);
        QCOMPARE(BackgroundPriority::currentThreadNiceness(), own);
    }
};

QTEST_GUILESS_MAIN(tst_JobRuntime)
#include "tst_jobruntime.moc"
