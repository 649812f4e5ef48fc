// The Monthly Credit Top-Up's money guarantees end to end, through the runtime that hosts it
// on a manual clock (issue 13): no month lost and none granted twice when an admin changes the
// job's zone, when a run fails or dies half-way, when the database is away at midnight, or
// when an admin backfills an occurrence by hand. Every database.
#include "EnginePrinters.h"
#include "TestDatabases.h"

#include "engine/ManualClock.h"
#include "engine/RunJournal.h"
#include "jobs/JobRuntime.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"
#include "storage/RunHistory.h"

#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace jc;
using namespace std::chrono_literals;

namespace {

const QString topUp = QString::fromLatin1(MonthlyCreditTopUpJob::name);

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

bool exec(ConnectionFactory &factory, const QString &sql)
{
    QSqlQuery query(factory.connectionForCurrentThread().value());
    if (query.exec(sql))
        return true;
    qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
    return false;
}

QVariant scalar(ConnectionFactory &factory, const QString &sql)
{
    QSqlQuery query(factory.connectionForCurrentThread().value());
    if (!query.exec(sql) || !query.next())
        return {};
    return query.value(0);
}

// `count` users "u000".."u<count-1>" with 2 of their 10 free credits left, owed 8 each.
bool addOwedUsers(ConnectionFactory &factory, int count)
{
    for (int i = 0; i < count; ++i) {
        const QString id = QStringLiteral("u%1").arg(i, 3, 10, QLatin1Char('0'));
        if (!exec(factory, QStringLiteral("INSERT INTO users (id, email, free_credits, "
                                          "paid_credits, monthly_credit_limit) VALUES ('%1', "
                                          "'%1@example.org', 2, 0, 10)")
                               .arg(id)))
            return false;
    }
    return true;
}

// A migrated database with `users` owed users (addOwedUsers); nullptr, with a warning, when
// any step fails.
std::shared_ptr<ConnectionFactory> migratedWithOwedUsers(const test::TestDatabase &database,
                                                         int users,
                                                         const ConnectionOptions &options = {})
{
    if (!database.isReady()) {
        qWarning("%s", qPrintable(database.error()));
        return nullptr;
    }
    auto factory = std::make_shared<ConnectionFactory>(database.url(), options);
    const auto migrated = Migrator().migrate(factory->connectionForCurrentThread().value());
    if (!migrated) {
        qWarning("migrate: %s", qPrintable(migrated.error()));
        return nullptr;
    }
    return addOwedUsers(*factory, users) ? factory : nullptr;
}

// u000 had November's top-up (and has spent since).
bool grantNovemberToFirstUser(ConnectionFactory &factory)
{
    return exec(factory, u"INSERT INTO credit_adjustments (id, user_id, credits, reason, "
                         "period) VALUES ('a1', 'u000', 8, 'Monthly free credit top-up: "
                         "topped up to 10', '2026-11')"_qs);
}

// The runtime hosting the catalog's jobs on `clock`, in a UTC host zone (the tests run with
// TZ=UTC), with the top-up's batches retried quickly.
std::unique_ptr<JobRuntime> makeRuntime(const std::shared_ptr<ConnectionFactory> &database,
                                        Clock &clock, const QString &instance)
{
    JobRuntime::Options options;
    options.zone = QTimeZone::utc();
    options.scheduler.instanceId = instance;
    options.scheduler.jitterSeed = 7;
    options.runSettings.insert(topUp,
                               QJsonObject{{u"batchSize"_qs, 4}, {u"batchRetryDelayMs"_qs, 1}});
    auto runtime = JobRuntime::create(database, clock, options);
    if (!runtime)
        qFatal("runtime: %s", qPrintable(runtime.error()));
    return std::move(runtime).value();
}

// Whether `spy` (on Scheduler::runFinished) holds `count` top-up records, the last with `outcome`.
bool topUpsFinished(const QSignalSpy &spy, int count, RunOutcome outcome)
{
    QList<RunRecord> records;
    for (const QList<QVariant> &args : spy) {
        const auto record = args.at(0).value<RunRecord>();
        if (record.info.job == topUp)
            records.append(record);
    }
    return records.size() == count && records.constLast().outcome == outcome;
}

// The database away, for real: SQLite write-locked by another connection's exclusive
// transaction (claims fail after the busy timeout with "database is locked"); PostgreSQL
// refusing new connections, with every connection to it terminated; MySQL/MariaDB the same
// for the database's own user (account locked, its connections killed).
class Outage
{
public:
    explicit Outage(const test::TestDatabase &database)
        : m_database(database)
    {}
    ~Outage() { end(); }

    QString begin()
    {
        const QString name = m_database.url().databaseName();
        switch (m_database.dialect()) {
        case SqlDialect::Sqlite: {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_qs, m_connection);
            db.setDatabaseName(m_database.url().filePath());
            QSqlQuery lock(db);
            if (!db.open() || !lock.exec(u"BEGIN EXCLUSIVE"_qs))
                return lock.lastError().text() + db.lastError().text();
            break;
        }
        case SqlDialect::Postgres:
            for (
                const QString &sql :
                {u"ALTER DATABASE %1 ALLOW_CONNECTIONS false"_qs,
                 u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1'"_qs}) {
                if (const auto error = postgresAdmin(sql.arg(name)))
                    return *error;
            }
            break;
        case SqlDialect::MySql:
            for (const QString &sql :
                 {u"ALTER USER '%1'@'%' ACCOUNT LOCK"_qs, u"KILL CONNECTION USER '%1'@'%'"_qs}) {
                if (const auto error = m_database.mysqlAdmin(sql))
                    return *error;
            }
            break;
        }
        m_active = true;
        return {};
    }

    void end()
    {
        if (!std::exchange(m_active, false))
            return;
        std::optional<QString> error;
        switch (m_database.dialect()) {
        case SqlDialect::Sqlite:
            QSqlQuery(QSqlDatabase::database(m_connection)).exec(u"ROLLBACK"_qs);
            QSqlDatabase::removeDatabase(m_connection);
            break;
        case SqlDialect::Postgres:
            error = postgresAdmin(u"ALTER DATABASE %1 ALLOW_CONNECTIONS true"_qs.arg(
                m_database.url().databaseName()));
            break;
        case SqlDialect::MySql:
            error = m_database.mysqlAdmin(u"ALTER USER '%1'@'%' ACCOUNT UNLOCK"_qs);
            break;
        }
        if (error)
            qWarning("outage did not end: %s", qPrintable(*error));
    }

private:
    static std::optional<QString> postgresAdmin(const QString &sql)
    {
        const auto server = test::postgresServerUrl();
        if (!server)
            return server.error();
        return test::postgresAdminExec(server.value(), u"outage-admin"_qs, sql);
    }

    const test::TestDatabase &m_database;
    QString m_connection = u"outage-locker"_qs;
    bool m_active = false;
};

// Checks that every one of `count` owed users got exactly one top-up of `period` and holds
// 10 free credits.
void checkEveryoneToppedUpOnce(ConnectionFactory &factory, int count, const QString &period)
{
    QCOMPARE(scalar(factory,
                    u"SELECT COUNT(*) FROM credit_adjustments WHERE period = '%1'"_qs.arg(period))
                 .toInt(),
             count);
    QCOMPARE(scalar(factory, u"SELECT COUNT(DISTINCT user_id) FROM credit_adjustments WHERE "
                             "period = '%1'"_qs.arg(period))
                 .toInt(),
             count);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM users WHERE free_credits = 10"_qs).toInt(),
             count);
}

// How the run of instance gone:4242 that leaveRunOfGoneInstance leaves behind ended.
enum class LeftRun { Killed, FailedThenKilled };

// A scheduled run of `occurrence` by an instance that a SIGKILL took, its first batch (users
// u000-u003) committed:
//  - Killed: killed during the run, its row still `running`, its last heartbeat 5 s after the
//    occurrence;
//  - FailedThenKilled: the run failed at its second batch 10 s after the occurrence, and the
//    instance was killed during the retry's backoff: its last sign of life in jc_instances
//    is 15 s after the occurrence.
bool leaveRunOfGoneInstance(ConnectionFactory &factory, const QDateTime &occurrence,
                            const QString &period, LeftRun left)
{
    RunInfo info;
    info.job = topUp;
    info.occurrence = occurrence;
    const qint64 at = occurrence.toMSecsSinceEpoch();
    const QString row =
        left == LeftRun::Killed
            ? u"'running', %1, %2, NULL, NULL"_qs.arg(at + 1000).arg(at + 5000)
            : u"'failed', %1, %2, %3, 'Batch 2 of 3 failed: database is locked'"_qs.arg(at + 1000)
                  .arg(at + 10000)
                  .arg(at + 10000);
    if (!exec(factory, u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                       "occurrence_key, status, started_at_ms, heartbeat_at_ms, finished_at_ms, "
                       "error, attempts, instance_id) VALUES ('%1', 'scheduled', %2, '%3', %4, 1, "
                       "'gone:4242')"_qs.arg(topUp)
                           .arg(at)
                           .arg(RunJournal::occurrenceKey(info), row)))
        return false;
    if (left == LeftRun::FailedThenKilled &&
        !exec(factory, u"INSERT INTO jc_instances (instance_id, host, pid, started_at_ms, "
                       "heartbeat_at_ms, mode) VALUES ('gone:4242', 'gone', 4242, %1, %2, "
                       "'serve')"_qs.arg(at - 3600000)
                           .arg(at + 15000)))
        return false;
    for (int i = 0; i < 4; ++i) {
        const QString id = u"u%1"_qs.arg(i, 3, 10, QLatin1Char('0'));
        if (!exec(factory, u"INSERT INTO credit_adjustments (id, user_id, credits, reason, "
                           "period) VALUES ('k%1', '%1', 8, 'Monthly free credit top-up: topped "
                           "up to 10', '%2')"_qs.arg(id, period)) ||
            !exec(factory, u"UPDATE users SET free_credits = 10 WHERE id = '%1'"_qs.arg(id)))
            return false;
    }
    return true;
}

} // namespace

Q_DECLARE_METATYPE(LeftRun)

class tst_TopUpGuarantees : public QObject
{
    Q_OBJECT

private slots:
    // An admin sets the top-up's zone to Pacific/Auckland on a UTC host. Its Dec 1 occurrence
    // (2026-12-01T00:00+13:00, which is Nov 30 11:00 UTC) grants December: everyone topped up
    // for November on Nov 1 gets December's credits.
    void zoneOverrideDecidesThePeriod_data() { test::addDatabaseRowsWithMySql(); }
    void zoneOverrideDecidesThePeriod()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        const auto factory = migratedWithOwedUsers(database, 3);
        QVERIFY(factory);
        QVERIFY(grantNovemberToFirstUser(*factory));
        ManualClock clock(utc("2026-11-30T10:00:00Z"));
        QVERIFY(JobSettingsStore(factory).set(topUp,
                                              QJsonObject{{u"timeZone"_qs, u"Pacific/Auckland"_qs}},
                                              u"alice"_qs, clock.nowMSecs()));

        auto runtime = makeRuntime(factory, clock, u"one"_qs);
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();
        QCOMPARE(runtime->scheduler().jobStatus(topUp)->nextRun, utc("2026-11-30T11:00:00Z"));
        clock.setNow(utc("2026-11-30T11:00:00Z"));
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(finished.cbegin(), finished.cend(),
                                             [](const QList<QVariant> &args) {
                                                 return args.at(0).value<RunRecord>().info.job ==
                                                        topUp;
                                             }),
                                 20000);
        runtime->scheduler().stop(5s);

        const auto record = finished.constFirst().at(0).value<RunRecord>();
        QCOMPARE(record.outcome, RunOutcome::Succeeded);
        QCOMPARE(scalar(*factory, u"SELECT COUNT(*) FROM credit_adjustments WHERE period = "
                                  "'2026-12'"_qs)
                     .toInt(),
                 3);
        QCOMPARE(scalar(*factory, u"SELECT SUM(free_credits) FROM users"_qs).toInt(), 30);
    }

    // The database is away from before midnight on the 1st until after the first retries:
    // the top-up's retries (its default policy) finish the month once it is back, every owed
    // user topped up exactly once. Before, the claim's failure was recorded `missed` and the
    // month was lost.
    void outageAcrossMidnightFinishesTheMonth_data() { test::addDatabaseRowsWithMySql(); }
    void outageAcrossMidnightFinishesTheMonth()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        ConnectionOptions options;
        options.sqliteBusyTimeout = 200ms;
        options.postgresIdleCheck = 0ms;
        const auto factory = migratedWithOwedUsers(database, 10, options);
        QVERIFY(factory);
        ManualClock clock(utc("2026-11-30T23:59:00Z"));
        auto runtime = makeRuntime(factory, clock, u"one"_qs);
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();

        Outage outage(database);
        const QString down = outage.begin();
        QVERIFY2(down.isEmpty(), qPrintable(down));
        clock.setNow(utc("2026-12-01T00:00:00Z"));
        QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 1, RunOutcome::Failed), 20000);
        clock.setNow(utc("2026-12-01T00:01:30Z")); // the first retry, 1 min +/- 20 % after
        QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 2, RunOutcome::Failed), 20000);
        outage.end();
        clock.setNow(utc("2026-12-01T00:05:00Z")); // the second retry, 2 min +/- 20 % after
        QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 3, RunOutcome::Succeeded), 20000);
        runtime->scheduler().stop(5s);

        checkEveryoneToppedUpOnce(*factory, 10, u"2026-12"_qs);
        QCOMPARE(scalar(*factory, u"SELECT COUNT(*) FROM jc_runs WHERE job_name = '%1' AND "
                                  "status = 'succeeded' AND occurrence_ms = %2"_qs.arg(topUp)
                                      .arg(utc("2026-12-01T00:00:00Z").toMSecsSinceEpoch()))
                     .toInt(),
                 1);
    }

    // A scheduled top-up killed half-way (its first batch committed, its row left running):
    // the next start marks it interrupted and catches the occurrence up at once; the users
    // of the committed batch are not topped up twice, the others are topped up.
    void killedRunIsFinishedAtTheNextStart_data() { test::addDatabaseRowsWithMySql(); }
    void killedRunIsFinishedAtTheNextStart()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        const auto factory = migratedWithOwedUsers(database, 10);
        QVERIFY(factory);
        const QDateTime occurrence = utc("2026-12-01T00:00:00Z");
        QVERIFY(leaveRunOfGoneInstance(*factory, occurrence, u"2026-12"_qs, LeftRun::Killed));

        ManualClock clock(utc("2026-12-01T00:10:00Z")); // the lease (60 s) long expired
        auto runtime = makeRuntime(factory, clock, u"next"_qs);
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();
        QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 1, RunOutcome::Succeeded), 20000);
        runtime->scheduler().stop(5s);

        const auto record = finished.constFirst().at(0).value<RunRecord>();
        QCOMPARE(record.info.trigger, RunTrigger::CatchUp);
        QCOMPARE(record.info.occurrence, occurrence);
        QCOMPARE(record.summary.value(u"usersToppedUp"_qs).toInteger(), 6);
        QCOMPARE(record.summary.value(u"alreadyToppedUp"_qs).toInteger(), 4);
        checkEveryoneToppedUpOnce(*factory, 10, u"2026-12"_qs);
        // The killed run's row became the catch-up: one row for the occurrence.
        QCOMPARE(
            scalar(*factory, u"SELECT COUNT(*) FROM jc_runs WHERE job_name = '%1'"_qs.arg(topUp))
                .toInt(),
            1);
    }

    // Two instances serve the top-up. The one that took December's occurrence is killed,
    // half-way through its run or during the backoff before its retry (its first batch
    // committed either way). The survivor, running all along (so no start-up catch-up is
    // coming), finds the run dead, or the failed run's instance gone, once the lease runs out,
    // and finishes the month in the same row: the other 6 topped up, nobody twice. Before, only
    // a restart's catch-up did: the survivors left the month unfinished (a failed run's
    // instance killed during the backoff: until session 24).
    void aLiveInstanceFinishesTheMonthOfAKilledOne_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<LeftRun>("left");
        for (const auto &[name, dialect] : {std::pair{"sqlite", SqlDialect::Sqlite},
                                            std::pair{"postgresql", SqlDialect::Postgres},
                                            std::pair{"mysql", SqlDialect::MySql}}) {
            QTest::addRow("%s, killed while running", name) << dialect << LeftRun::Killed;
            QTest::addRow("%s, killed before its retry", name)
                << dialect << LeftRun::FailedThenKilled;
        }
    }
    void aLiveInstanceFinishesTheMonthOfAKilledOne()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        const auto factory = migratedWithOwedUsers(database, 10);
        QVERIFY(factory);
        const QDateTime occurrence = utc("2026-12-01T00:00:00Z");
        ManualClock clock(occurrence.addSecs(-30));
        auto survivor = makeRuntime(factory, clock, u"survivor"_qs);
        QSignalSpy finished(&survivor->scheduler(), &Scheduler::runFinished);
        QSignalSpy refused(&survivor->scheduler(), &Scheduler::runRefused);
        survivor->scheduler().start();

        // The other instance claimed the occurrence first; the survivor's claim finds it taken.
        QFETCH(LeftRun, left);
        QVERIFY(leaveRunOfGoneInstance(*factory, occurrence, u"2026-12"_qs, left));
        clock.setNow(occurrence.addMSecs(500));
        QTRY_COMPARE_WITH_TIMEOUT(refused.count(), 1, 10000);
        QCOMPARE(refused.constFirst().at(0).value<RunInfo>().job, topUp);
        finished.clear(); // the refused run's end
        // Its last heartbeat or sign of life (+5 s, +15 s) is more than the 60 s lease old:
        // the survivor's next heartbeat finds it dead or gone.
        clock.setNow(occurrence.addSecs(80));
        QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 1, RunOutcome::Succeeded), 20000);
        survivor->scheduler().stop(5s);

        RunRecord record;
        for (const QList<QVariant> &args : finished) {
            if (args.at(0).value<RunRecord>().info.job == topUp)
                record = args.at(0).value<RunRecord>();
        }
        QCOMPARE(record.info.trigger, RunTrigger::CatchUp);
        QCOMPARE(record.info.occurrence, occurrence);
        QCOMPARE(record.summary.value(u"usersToppedUp"_qs).toInteger(), 6);
        QCOMPARE(record.summary.value(u"alreadyToppedUp"_qs).toInteger(), 4);
        checkEveryoneToppedUpOnce(*factory, 10, u"2026-12"_qs);
        QCOMPARE(scalar(*factory, u"SELECT status FROM jc_runs WHERE job_name = '%1'"_qs.arg(topUp))
                     .toString(),
                 u"succeeded"_qs);
        QCOMPARE(
            scalar(*factory, u"SELECT COUNT(*) FROM jc_runs WHERE job_name = '%1'"_qs.arg(topUp))
                .toInt(),
            1);
    }

    // An occurrence whose claim could not reach the database (recorded `missed`, reason
    // database unavailable) is caught up at the next start; one missed because the job was
    // paused stays missed (a pause is an admin's decision).
    void occurrenceMissedForTheDatabaseIsCaughtUp_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<QString>("skipReason");
        QTest::addColumn<bool>("caughtUp");
        for (const auto &[name, dialect] : {std::pair{"sqlite", SqlDialect::Sqlite},
                                            std::pair{"postgresql", SqlDialect::Postgres},
                                            std::pair{"mysql", SqlDialect::MySql}}) {
            QTest::addRow("%s, database unavailable", name)
                << dialect << u"database unavailable"_qs << true;
            QTest::addRow("%s, paused", name) << dialect << u"paused"_qs << false;
        }
    }
    void occurrenceMissedForTheDatabaseIsCaughtUp()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(QString, skipReason);
        QFETCH(bool, caughtUp);
        test::TestDatabase database(dialect);
        const auto factory = migratedWithOwedUsers(database, 5);
        QVERIFY(factory);
        const qint64 at = utc("2026-12-01T00:00:00Z").toMSecsSinceEpoch();
        QVERIFY(exec(
            *factory,
            u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
            "status, started_at_ms, finished_at_ms, attempts, missed_count, "
            "skip_reason, error) VALUES ('%1', 'scheduled', %2, "
            "'2026-12-01T00:00:00.000Z', 'missed', %2, %2, 0, 1, '%3', 'Not run')"_qs.arg(topUp)
                .arg(at)
                .arg(skipReason)));

        ManualClock clock(utc("2026-12-01T02:00:00Z"));
        auto runtime = makeRuntime(factory, clock, u"next"_qs);
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();
        if (caughtUp)
            QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 1, RunOutcome::Succeeded), 20000);
        runtime->scheduler().stop(5s);
        QCOMPARE(topUpsFinished(finished, 1, RunOutcome::Succeeded), caughtUp);
        QCOMPARE(scalar(*factory, u"SELECT COUNT(*) FROM credit_adjustments"_qs).toInt(),
                 caughtUp ? 5 : 0);
    }

    // An admin runs the top-up as its occurrence of 1 November on 3 December (`jobctl run
    // --occurrence`): November is granted to those who did not have it, recorded as a
    // backfill with who and why; running it again grants nothing. An instant that is not an
    // occurrence is refused, naming the nearest ones.
    void backfillGrantsThatMonthOnce_data() { test::addDatabaseRowsWithMySql(); }
    void backfillGrantsThatMonthOnce()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        const auto factory = migratedWithOwedUsers(database, 3);
        QVERIFY(factory);
        QVERIFY(grantNovemberToFirstUser(*factory));
        ManualClock clock(utc("2026-12-03T09:00:00Z"));
        JobRuntime::Options options;
        options.zone = QTimeZone::utc();
        options.scheduler.scheduleJobs = false; // as `jobctl run`
        auto made = JobRuntime::create(factory, clock, options);
        QVERIFY2(made, qPrintable(made ? QString() : made.error()));
        auto runtime = std::move(made).value();
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();

        const RunRequest november{false, u"alice"_qs, u"November was lost"_qs,
                                  utc("2026-11-01T00:00:00Z")};
        const auto refused = runtime->scheduler().runNow(
            topUp, RunRequest{false, u"alice"_qs, {}, utc("2026-11-01T09:00:00Z")});
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(u"the nearest are 2026-11-01T00:00:00+00:00 and "
                                          "2026-12-01T00:00:00+00:00"_qs),
                 qPrintable(refused.error()));
        QVERIFY(!runtime->scheduler().runNow(
            topUp, RunRequest{false, u"alice"_qs, {}, utc("2027-01-01T00:00:00Z")}));

        QVERIFY(runtime->scheduler().runNow(topUp, november));
        QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 1, RunOutcome::Succeeded), 20000);
        auto record = finished.constLast().at(0).value<RunRecord>();
        QCOMPARE(record.info.trigger, RunTrigger::Backfill);
        QCOMPARE(record.summary.value(u"period"_qs).toString(), u"2026-11"_qs);
        QCOMPARE(record.summary.value(u"usersToppedUp"_qs).toInteger(), 2);
        QCOMPARE(scalar(*factory, u"SELECT COUNT(*) FROM credit_adjustments WHERE period = "
                                  "'2026-11'"_qs)
                     .toInt(),
                 3);

        QVERIFY(runtime->scheduler().runNow(topUp, november));
        QTRY_VERIFY_WITH_TIMEOUT(topUpsFinished(finished, 2, RunOutcome::Succeeded), 20000);
        record = finished.constLast().at(0).value<RunRecord>();
        QCOMPARE(record.summary.value(u"usersToppedUp"_qs).toInteger(), 0);
        runtime->scheduler().stop(5s);
        QCOMPARE(scalar(*factory, u"SELECT COUNT(*) FROM credit_adjustments"_qs).toInt(), 3);
        QCOMPARE(scalar(*factory, u"SELECT COUNT(*) FROM jc_runs WHERE \"trigger\" = 'backfill' "
                                  "AND requested_by = 'alice' AND reason = 'November was "
                                  "lost' AND status = 'succeeded' AND occurrence_ms = %1"_qs.arg(
                                      utc("2026-11-01T00:00:00Z").toMSecsSinceEpoch()))
                     .toInt(),
                 2);
    }
};

QTEST_GUILESS_MAIN(tst_TopUpGuarantees)
#include "tst_topupguarantees.moc"
