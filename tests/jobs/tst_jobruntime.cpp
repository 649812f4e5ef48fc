// The runtime on a real database: occurrences claimed once across instances, pauses stored
// in the database honoured (their occurrences recorded missed, caught up on resume when the
// policy says so), stored settings followed while running. Manual clock: a 20-second soak
// runs in milliseconds.
#include "EnginePrinters.h"
#include "TestDatabases.h"

#include "engine/ManualClock.h"
#include "jobs/HistoryRetentionJob.h"
#include "jobs/JobRuntime.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace jc;
using namespace std::chrono_literals;

namespace {

const QString job = QString::fromLatin1(HistoryRetentionJob::name);

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

std::unique_ptr<JobRuntime> makeRuntime(const std::shared_ptr<ConnectionFactory> &database,
                                        Clock &clock, const QString &instance,
                                        const QString &schedule)
{
    JobRuntime::Options options;
    options.zone = QTimeZone("UTC");
    if (!schedule.isEmpty())
        options.scheduleOverrides = {job + u'=' + schedule};
    options.scheduler.instanceId = instance;
    options.scheduler.jitterSeed = 7;
    auto runtime = JobRuntime::create(database, clock, options);
    if (!runtime)
        qFatal("runtime: %s", qPrintable(runtime.error()));
    return std::move(runtime).value();
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

} // namespace

class tst_JobRuntime : public QObject
{
    Q_OBJECT

private slots:
    void twoInstancesRunEachOccurrenceOnce_data() { test::addDatabaseRows(); }
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

    void storedPauseIsHonoured_data() { test::addDatabaseRows(); }
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

        QVERIFY(PauseStore(factory).resume(job));
        QVERIFY(runtime->syncNow());
        QVERIFY(!runtime->scheduler().jobStatus(job)->paused);
        // The default policy does not catch up on resume: nothing runs until the next hour.
        QCOMPARE(started.count(), 0);
        clock.setNow(utc("2026-01-15T12:00:00Z"));
        QCOMPARE(started.count(), 1);
        runtime->scheduler().stop(5s);
    }

    // catchUpOnResume: the latest occurrence missed while paused runs once on resume, as a
    // catch-up taking over its missed row; the earlier ones stay missed. Two instances: one
    // of them runs it.
    void pausedOccurrencesCatchUpOnResume_data() { test::addDatabaseRows(); }
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
        QVERIFY(PauseStore(factoryA).resume(job));
        QVERIFY(a->syncNow());
        QVERIFY(b->syncNow());
        QTRY_COMPARE(finishedA.count() + finishedB.count(), 1);
        a->scheduler().stop(5s);
        b->scheduler().stop(5s);
        QCOMPARE(countRows(*factoryA, u"status = 'missed'"_qs), 2);
        QCOMPARE(countRows(*factoryA, u"status = 'succeeded' AND trigger = 'catch-up'"_qs), 1);
        const auto runs = RunHistory(factoryA).runs(RunQuery{.job = job});
        QCOMPARE(runs->first().occurrence, utc("2026-01-15T13:00:00Z"));
        QCOMPARE(runs->first().outcome, RunOutcome::Succeeded);
    }

    // catchUpOnResume across a restart: the pause is stored with its start, and the journal
    // says which occurrences were missed since, so an instance started while the job is paused
    // still catches up the latest of them on resume.
    void pausedOccurrencesCatchUpAfterARestart_data() { test::addDatabaseRows(); }
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
        QVERIFY(PauseStore(factory).resume(job));
        QVERIFY(after->syncNow());
        QTRY_COMPARE(finished.count(), 1);
        after->scheduler().stop(5s);
        QCOMPARE(countRows(*factory, u"status = 'missed'"_qs), 1);
        QCOMPARE(countRows(*factory, u"status = 'succeeded' AND trigger = 'catch-up'"_qs), 1);
        const auto runs = RunHistory(factory).runs(RunQuery{.job = job});
        QCOMPARE(runs->first().occurrence, utc("2026-01-15T12:00:00Z"));
        QCOMPARE(runs->first().outcome, RunOutcome::Succeeded);
    }

    // A setting changed in the database reaches a running instance at its next poll: the
    // new schedule decides the next run, without a restart.
    void storedSettingsReachARunningInstance_data() { test::addDatabaseRows(); }
    void storedSettingsReachARunningInstance()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:30:00Z"));
        auto runtime = makeRuntime(factory, clock, u"one"_qs, {});
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
};

QTEST_GUILESS_MAIN(tst_JobRuntime)
#include "tst_jobruntime.moc"
