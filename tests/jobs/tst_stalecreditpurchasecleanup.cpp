// The Stale Credit Purchase Cleanup on both databases: which rows go (pending and failed,
// strictly older than the age) and which stay (completed, cancelled, young, exactly at the
// boundary), times written with offsets compared as instants, unreadable times on SQLite
// (counted, never deleted), idempotency, cancellation (rolls back), dry runs, batches, and
// its settings.
#include "AppTimeText.h"
#include "EnginePrinters.h"
#include "TestDatabases.h"

#include "engine/JobContext.h"
#include "engine/JobLogCategory.h"
#include "engine/ManualClock.h"
#include "engine/RunState.h"
#include "jobs/JobRuntime.h"
#include "jobs/RunSummaryText.h"
#include "jobs/SettingValues.h"
#include "jobs/StaleCreditPurchaseCleanupJob.h"
#include "storage/Migrator.h"
#include "storage/SqlTime.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace jc;

namespace {

using Job = StaleCreditPurchaseCleanupJob;
const QString job = QString::fromLatin1(Job::name);
const QStringList allStatuses = {QStringLiteral("pending"), QStringLiteral("completed"),
                                 QStringLiteral("failed"), QStringLiteral("cancelled")};
constexpr qint64 secondsPerDay = 24 * 60 * 60;

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

const QDateTime now = utc("2026-12-10T00:00:00Z");

// A run of the body outside any scheduler: what a worker would get.
struct TestRun
{
    explicit TestRun(bool dryRun = false)
        : state(std::make_shared<RunState>(
              RunInfo{1, job, RunTrigger::Scheduled, now, {}, 1, dryRun, {}, {}, {}, {}}, nullptr))
        , context(state, category.category())
    {}

    JobResult run(ConnectionFactory &database, const Job::Settings &settings = {},
                  const QDateTime &at = now)
    {
        JobResult result = Job::run(context, database, settings, at);
        state->finish(result);
        return result;
    }

    JobLogCategory category{job};
    std::shared_ptr<RunState> state;
    JobContext context;
};

std::shared_ptr<ConnectionFactory> migrated(const test::TestDatabase &database)
{
    auto factory = std::make_shared<ConnectionFactory>(database.url());
    if (!Migrator().migrate(factory->connectionForCurrentThread().value()))
        qFatal("migration failed");
    return factory;
}

bool addPurchase(QSqlDatabase db, SqlDialect dialect, const QString &id, const QString &status,
                 const QDateTime &createdAt)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO credit_purchases (id, created_at, updated_at, user_id, credits, amount_paid, "
        "stripe_session_id, status) VALUES (?, ?, ?, 'u1', 10, 500, ?, ?)"));
    query.addBindValue(id);
    query.addBindValue(SqlTime::toSql(createdAt, dialect));
    query.addBindValue(SqlTime::toSql(createdAt, dialect));
    query.addBindValue(QStringLiteral("cs_") + id);
    query.addBindValue(status);
    if (query.exec())
        return true;
    qWarning("insert %s: %s", qPrintable(id), qPrintable(query.lastError().text()));
    return false;
}

QDateTime daysBefore(double days, const QDateTime &from = now)
{
    return from.addSecs(-qint64(days * double(secondsPerDay)));
}

QStringList ids(QSqlDatabase db)
{
    QStringList result;
    QSqlQuery query(db);
    query.exec(QStringLiteral("SELECT id FROM credit_purchases ORDER BY id"));
    while (query.next())
        result.append(query.value(0).toString());
    return result;
}

// Every status at 6.99 and at 7.01 days old: id "<status>-young" / "<status>-old".
bool addEveryStatusAroundTheBoundary(QSqlDatabase db, SqlDialect dialect, double age = 7)
{
    for (const QString &status : allStatuses) {
        if (!addPurchase(db, dialect, status + QStringLiteral("-young"), status,
                         daysBefore(age - 0.01)) ||
            !addPurchase(db, dialect, status + QStringLiteral("-old"), status,
                         daysBefore(age + 0.01)))
            return false;
    }
    return true;
}

QStringList survivorsAroundTheBoundary()
{
    return {QStringLiteral("cancelled-old"), QStringLiteral("cancelled-young"),
            QStringLiteral("completed-old"), QStringLiteral("completed-young"),
            QStringLiteral("failed-young"),  QStringLiteral("pending-young")};
}

qint64 count(const JobResult &result, const char *key)
{
    return result.summary().value(QLatin1String(key)).toInteger(-1);
}

qint64 byStatus(const JobResult &result, const char *status)
{
    return result.summary()
        .value(QStringLiteral("byStatus"))
        .toObject()
        .value(QLatin1String(status))
        .toInteger(-1);
}

// MySQL has no timestamp literal with an offset: the app's MySQL driver writes the wall time
// of its session's time_zone. `text` becomes that wall time in a session of its offset;
// MariaDB takes offsets from -12:59 to +13:00 only: beyond them the instant is written in UTC.
struct MySqlWallTime
{
    QString wall;
    QString zone;
};

MySqlWallTime mysqlWallTime(const QString &text)
{
    const auto parsed = test::AppTimeText::parse(text);
    if (!parsed.valid)
        return {text, QStringLiteral("+00:00")};
    if (parsed.offsetMinutes >= -(12 * 60 + 59) && parsed.offsetMinutes <= 13 * 60)
        return {parsed.wall, parsed.zone()};
    return {parsed.utcWall(), QStringLiteral("+00:00")};
}

// A purchase whose created_at is written as the literal `text`, as the web app or its
// drivers write it: raw text on SQLite, cast to timestamptz on PostgreSQL, the wall time in a
// session of that offset on MySQL.
bool addRawPurchase(QSqlDatabase db, SqlDialect dialect, const QString &id, const QString &status,
                    const QString &text)
{
    QString value = text;
    QSqlQuery query(db);
    if (dialect == SqlDialect::MySql) {
        const MySqlWallTime written = mysqlWallTime(text);
        value = written.wall;
        if (!query.exec(QStringLiteral("SET time_zone = '%1'").arg(written.zone))) {
            qWarning("time_zone %s: %s", qPrintable(written.zone),
                     qPrintable(query.lastError().text()));
            return false;
        }
    }
    query.prepare(QStringLiteral("INSERT INTO credit_purchases (id, created_at, user_id, "
                                 "credits, amount_paid, stripe_session_id, status) VALUES (?, %1, "
                                 "'u1', 10, 500, ?, ?)")
                      .arg(dialect == SqlDialect::Postgres
                               ? QStringLiteral("CAST(? AS timestamptz)")
                               : QStringLiteral("?")));
    query.addBindValue(id);
    query.addBindValue(value);
    query.addBindValue(QStringLiteral("cs_") + id);
    query.addBindValue(status);
    const bool inserted = query.exec();
    if (!inserted)
        qWarning("insert %s: %s", qPrintable(id), qPrintable(query.lastError().text()));
    if (dialect == SqlDialect::MySql) // the product's sessions are in UTC (MySqlConnector)
        QSqlQuery(db).exec(QStringLiteral("SET time_zone = '+00:00'"));
    return inserted;
}

#define OPEN_DATABASE()                                                                            \
    QFETCH(SqlDialect, dialect);                                                                   \
    test::TestDatabase database(dialect);                                                          \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    auto factory = migrated(database);                                                             \
    auto db = factory->connectionForCurrentThread().value()

} // namespace

class tst_StaleCreditPurchaseCleanup : public QObject
{
    Q_OBJECT

private slots:
    // The cutoff is counted from when the run started by its scheduler's clock, as every other
    // "now" of a run: on a manual clock years away from the wall clock, the purchase 9 days
    // older than the scheduler's now goes and the one 1 day older stays. Before, the body took
    // the wall clock, and both stayed (they were in its future).
    void cutoffFollowsTheSchedulersClock_data() { test::addDatabaseRowsWithMySql(); }
    void cutoffFollowsTheSchedulersClock()
    {
        OPEN_DATABASE();
        const QDateTime schedulerNow = utc("2030-01-10T12:00:00Z");
        QVERIFY(addPurchase(db, dialect, QStringLiteral("p-old"), QStringLiteral("pending"),
                            daysBefore(9, schedulerNow)));
        QVERIFY(addPurchase(db, dialect, QStringLiteral("p-young"), QStringLiteral("pending"),
                            daysBefore(1, schedulerNow)));
        ManualClock clock(schedulerNow);
        JobRuntime::Options options;
        options.zone = QTimeZone::utc();
        options.scheduler.scheduleJobs = false; // as `jobctl run`
        auto made = JobRuntime::create(factory, clock, options);
        QVERIFY2(made, qPrintable(made ? QString() : made.error()));
        auto runtime = std::move(made).value();
        QSignalSpy finished(&runtime->scheduler(), &Scheduler::runFinished);
        runtime->scheduler().start();
        QVERIFY(
            runtime->scheduler().runNow(job, RunRequest{false, QStringLiteral("alice"), {}, {}}));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        runtime->scheduler().stop(std::chrono::seconds(5));
        const auto record = finished.constFirst().at(0).value<RunRecord>();
        QCOMPARE(record.outcome, RunOutcome::Succeeded);
        QCOMPARE(ids(db), QStringList{QStringLiteral("p-young")});
    }

    void deletesStalePendingAndFailedOnly_data() { test::addDatabaseRowsWithMySql(); }
    void deletesStalePendingAndFailedOnly()
    {
        OPEN_DATABASE();
        QVERIFY(addEveryStatusAroundTheBoundary(db, dialect));
        TestRun run;
        const JobResult result = run.run(*factory);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(ids(db), survivorsAroundTheBoundary());
        QCOMPARE(count(result, "deleted"), 2);
        QCOMPARE(byStatus(result, "pending"), 1);
        QCOMPARE(byStatus(result, "failed"), 1);
        QCOMPARE(count(result, "staleAgeDays"), 7);
        QCOMPARE(result.summary().value(QStringLiteral("cutoff")).toString(),
                 QStringLiteral("2026-12-03T00:00:00+00:00"));
        QCOMPARE(result.summary().value(QStringLiteral("dryRun")).toBool(true), false);
        QCOMPARE(RunSummaryText::of(QString::fromLatin1(StaleCreditPurchaseCleanupJob::name),
                                    result.summary(), false),
                 QStringLiteral("Deleted 2 stale purchases (1 pending, 1 failed) created before "
                                "3 Dec 00:00 UTC"));
        QCOMPARE(run.state->record().outcome, RunOutcome::Succeeded);
        const auto lines = run.state->logLines();
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const LogLine &line) {
            return line.message == QStringLiteral("Stale credit purchases deleted");
        }));
    }

    void secondRunDeletesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void secondRunDeletesNothing()
    {
        OPEN_DATABASE();
        QVERIFY(addEveryStatusAroundTheBoundary(db, dialect));
        TestRun first;
        QVERIFY(first.run(*factory).isSuccess());
        TestRun second;
        const JobResult again = second.run(*factory);
        QVERIFY2(again.isSuccess(), qPrintable(again.error()));
        QCOMPARE(count(again, "deleted"), 0);
        QCOMPARE(ids(db), survivorsAroundTheBoundary());
    }

    void exactBoundaryIsKept_data() { test::addDatabaseRowsWithMySql(); }
    void exactBoundaryIsKept()
    {
        OPEN_DATABASE();
        // Exactly 7 days, one second more, and (with a cutoff that has milliseconds) the same
        // whole second as the cutoff but before it.
        QVERIFY(addPurchase(db, dialect, QStringLiteral("a-exact"), QStringLiteral("pending"),
                            daysBefore(7)));
        QVERIFY(addPurchase(db, dialect, QStringLiteral("b-second-more"), QStringLiteral("failed"),
                            daysBefore(7).addSecs(-1)));
        TestRun run;
        QVERIFY(run.run(*factory).isSuccess());
        QCOMPARE(ids(db), QStringList{QStringLiteral("a-exact")});

        // now at .500: the row stored at the whole second (500 ms older than the cutoff) is
        // stale, the one a second later is not.
        const QDateTime later = now.addSecs(1).addMSecs(500);
        TestRun subSecond;
        const JobResult result = subSecond.run(*factory, {}, later);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(result.summary().value(QStringLiteral("cutoff")).toString(),
                 QStringLiteral("2026-12-03T00:00:01.500+00:00"));
        QCOMPARE(count(result, "deleted"), 1);
        QCOMPARE(ids(db), QStringList());
    }

    void offsetsAreComparedAsInstants_data() { test::addDatabaseRowsWithMySql(); }
    void offsetsAreComparedAsInstants()
    {
        OPEN_DATABASE();
        // The cutoff is 2026-12-03 00:00:00 UTC. Each row is written as the web app's drivers
        // write it: Go's "2006-01-02 15:04:05.999999999-07:00" (nine fraction digits, an
        // offset), "Z", ISO with "T". Ids say what must happen: "old-" rows are before the
        // cutoff as instants, "young-" rows after it, "exact-" rows at it (kept: strict).
        const QList<std::pair<const char *, const char *>> rows = {
            // West of UTC: the text is a day earlier than the cutoff's, the instant is later.
            {"young-west", "2026-12-02 16:00:01-08:00"},
            {"young-go-west", "2026-12-02 16:00:00.123456789-08:00"},
            {"exact-west", "2026-12-02 16:00:00-08:00"},
            {"old-go-west", "2026-12-02 15:59:59.987654321-08:00"},
            // East of UTC: the text is later than the cutoff's, the instant is earlier.
            {"old-east", "2026-12-03 12:59:59+13:00"},
            {"old-iso-east", "2026-12-03T12:00:00.5+14:00"},
            {"exact-east", "2026-12-03 13:00:00+13:00"},
            {"young-east", "2026-12-03 13:00:00.001+13:00"},
            // UTC spelled "Z", "+00:00" and with "T".
            {"old-z", "2026-12-02 23:59:59.999Z"},
            {"exact-z", "2026-12-03 00:00:00Z"},
            {"exact-utc-offset", "2026-12-03 00:00:00+00:00"},
            {"old-iso", "2026-12-02T23:59:59Z"},
            {"exact-iso", "2026-12-03T00:00:00.000Z"},
            {"young-iso", "2026-12-03T00:00:01Z"},
        };
        for (const auto &[id, text] : rows) {
            QVERIFY(addRawPurchase(db, dialect, QLatin1String(id),
                                   QLatin1String(id).startsWith(QLatin1String("old-g"))
                                       ? QStringLiteral("failed")
                                       : QStringLiteral("pending"),
                                   QLatin1String(text)));
        }
        // A completed purchase with an offset is never touched either.
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("completed-old-east"),
                               QStringLiteral("completed"),
                               QStringLiteral("2026-12-03 12:00:00+13:00")));
        const QStringList kept = {
            QStringLiteral("completed-old-east"), QStringLiteral("exact-east"),
            QStringLiteral("exact-iso"),          QStringLiteral("exact-utc-offset"),
            QStringLiteral("exact-west"),         QStringLiteral("exact-z"),
            QStringLiteral("young-east"),         QStringLiteral("young-go-west"),
            QStringLiteral("young-iso"),          QStringLiteral("young-west")};

        TestRun dry(true);
        const JobResult counted = dry.run(*factory);
        QVERIFY2(counted.isSuccess(), qPrintable(counted.error()));
        QCOMPARE(count(counted, "deleted"), 5);
        QCOMPARE(byStatus(counted, "failed"), 1);
        QCOMPARE(count(counted, "skippedUnreadableTime"), 0);

        Job::Settings settings;
        settings.batchSize = 2; // batches walk the text order, which is not the instants'
        TestRun run;
        const JobResult result = run.run(*factory, settings);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(ids(db), kept);
        QCOMPARE(count(result, "deleted"), 5);
        QCOMPARE(byStatus(result, "pending"), 4);
        QCOMPARE(byStatus(result, "failed"), 1);
        QCOMPARE(count(result, "skippedUnreadableTime"), 0);
    }

    void largestOffsetsAreReached_data() { test::addDatabaseRowsWithMySql(); }
    void largestOffsetsAreReached()
    {
        OPEN_DATABASE();
        // A cutoff late in the day (2026-12-03 20:00 UTC) and the largest offsets SQLite reads:
        // the stale row's text is dated the next day, so a text pre-filter must reach past it.
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("old-far-east"),
                               QStringLiteral("pending"),
                               QStringLiteral("2026-12-04 10:58:59+14:59")));
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("young-far-east"),
                               QStringLiteral("pending"),
                               QStringLiteral("2026-12-04 10:59:01+14:59")));
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("old-far-west"),
                               QStringLiteral("failed"),
                               QStringLiteral("2026-12-03 05:00:59-14:59")));
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("young-far-west"),
                               QStringLiteral("failed"),
                               QStringLiteral("2026-12-03 05:01:01-14:59")));
        TestRun run;
        const JobResult result = run.run(*factory, {}, utc("2026-12-10T20:00:00Z"));
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(ids(db),
                 (QStringList{QStringLiteral("young-far-east"), QStringLiteral("young-far-west")}));
        QCOMPARE(count(result, "deleted"), 2);
    }

    // SQLite only: a timestamptz column cannot hold a time PostgreSQL cannot read.
    void unreadableTimesAreCountedAndKept_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::newRow("sqlite") << SqlDialect::Sqlite;
    }
    void unreadableTimesAreCountedAndKept()
    {
        OPEN_DATABASE();
        // Values a text comparison put below the cutoff (so the old code deleted them) and
        // values julianday() alone would read as some time: none is an instant the job may
        // trust. Epoch seconds are unreadable too: nothing says they are seconds, or UTC.
        const QList<std::pair<const char *, const char *>> unreadable = {
            {"epoch-text", "1764000000"},
            {"julian-day-text", "2461370.5"},
            {"empty", ""},
            {"garbage", "garbage"},
            {"now", "now"},
            {"negative-year", "-2026-11-25 00:00:00"},
            {"offset-without-colon", "2026-11-25 12:00:00+1300"},
            {"month-13", "2026-13-01 00:00:00"},
            {"leading-space", " 2026-11-25 12:00:00"},
            {"trailing-words", "2026-11-25 12:00:00 UTC"},
        };
        int i = 0;
        for (const auto &[id, text] : unreadable) {
            QVERIFY(addRawPurchase(db, dialect, QLatin1String(id),
                                   i++ % 2 ? QStringLiteral("failed") : QStringLiteral("pending"),
                                   QLatin1String(text)));
        }
        // Not counted: completed and cancelled rows are none of the job's business.
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("completed-garbage"),
                               QStringLiteral("completed"), QStringLiteral("garbage")));
        // Readable neighbours in the same index range: one stale, one young.
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("old"), QStringLiteral("pending"),
                               QStringLiteral("2026-11-25 12:00:00")));
        QVERIFY(addRawPurchase(db, dialect, QStringLiteral("young"), QStringLiteral("failed"),
                               QStringLiteral("2026-12-05 12:00:00.5-08:00")));
        QStringList kept = ids(db);
        kept.removeOne(QStringLiteral("old"));

        TestRun dry(true);
        const JobResult counted = dry.run(*factory);
        QVERIFY2(counted.isSuccess(), qPrintable(counted.error()));
        QCOMPARE(count(counted, "deleted"), 1);
        QCOMPARE(count(counted, "skippedUnreadableTime"), 10);

        Job::Settings settings;
        settings.batchSize = 1;
        TestRun run;
        const JobResult result = run.run(*factory, settings);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(ids(db), kept);
        QCOMPARE(count(result, "deleted"), 1);
        QCOMPARE(byStatus(result, "pending"), 1);
        QCOMPARE(byStatus(result, "failed"), 0);
        QCOMPARE(count(result, "skippedUnreadableTime"), 10);
        const auto lines = run.state->logLines();
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const LogLine &line) {
            return line.level == LogLevel::Warning &&
                   line.fields.value(QStringLiteral("count")).toLongLong() == 10;
        }));
    }

    void dryRunChangesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void dryRunChangesNothing()
    {
        OPEN_DATABASE();
        QVERIFY(addEveryStatusAroundTheBoundary(db, dialect));
        QVERIFY(addPurchase(db, dialect, QStringLiteral("pending-older"), QStringLiteral("pending"),
                            daysBefore(30)));
        const QStringList before = ids(db);
        TestRun run(true);
        const JobResult result = run.run(*factory);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(ids(db), before);
        QCOMPARE(count(result, "deleted"), 3);
        QCOMPARE(byStatus(result, "pending"), 2);
        QCOMPARE(byStatus(result, "failed"), 1);
        QCOMPARE(result.summary().value(QStringLiteral("dryRun")).toBool(), true);
        QCOMPARE(RunSummaryText::of(QString::fromLatin1(StaleCreditPurchaseCleanupJob::name),
                                    result.summary(), true),
                 QStringLiteral("Dry run: would delete 3 stale purchases (2 pending, 1 failed) "
                                "created before 3 Dec 00:00 UTC"));
    }

    void ageIsConfigurable_data() { test::addDatabaseRowsWithMySql(); }
    void ageIsConfigurable()
    {
        OPEN_DATABASE();
        QVERIFY(addEveryStatusAroundTheBoundary(db, dialect, 30));
        Job::Settings settings;
        settings.staleAgeDays = 30;
        TestRun run;
        const JobResult result = run.run(*factory, settings);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(ids(db), survivorsAroundTheBoundary());
        QCOMPARE(count(result, "staleAgeDays"), 30);
        QCOMPARE(result.summary().value(QStringLiteral("cutoff")).toString(),
                 QStringLiteral("2026-11-10T00:00:00+00:00"));
    }

    void batchesDeleteEverythingStale_data() { test::addDatabaseRowsWithMySql(); }
    void batchesDeleteEverythingStale()
    {
        OPEN_DATABASE();
        // 23 stale rows per status, several sharing a created_at, and fresh ones, in batches
        // of 4: every stale row goes, in one transaction, and nothing else.
        db.transaction();
        for (int i = 0; i < 23; ++i) {
            const QDateTime at = daysBefore(8).addSecs(-(i / 3) * 60);
            for (const char *status : {"pending", "failed", "completed"}) {
                QVERIFY(addPurchase(db, dialect,
                                    QStringLiteral("%1-%2")
                                        .arg(QLatin1String(status))
                                        .arg(i, 2, 10, QLatin1Char('0')),
                                    QLatin1String(status), at));
            }
            QVERIFY(addPurchase(db, dialect, QStringLiteral("young-%1").arg(i),
                                QStringLiteral("pending"), daysBefore(1)));
        }
        QVERIFY(db.commit());
        Job::Settings settings;
        settings.batchSize = 4;
        TestRun run;
        const JobResult result = run.run(*factory, settings);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(count(result, "deleted"), 46);
        QCOMPARE(byStatus(result, "pending"), 23);
        QCOMPARE(byStatus(result, "failed"), 23);
        QCOMPARE(ids(db).size(), 46); // 23 completed + 23 young
        QCOMPARE(run.state->progress().done, 46);
        QCOMPARE(run.state->progress().total, 46);
    }

    void subMillisecondTimesDoNotStallBatches_data() { test::addDatabaseRowsWithMySql(); }
    void subMillisecondTimesDoNotStallBatches()
    {
        OPEN_DATABASE();
        // PostgreSQL keeps microseconds a QDateTime cannot hold: batches bounded by a
        // created_at read back must still make progress and miss nothing.
        const QString zone = dialect == SqlDialect::Postgres ? QStringLiteral("+00") : QString();
        for (int i = 1; i <= 5; ++i) {
            QSqlQuery insert(db);
            QVERIFY2(insert.exec(QStringLiteral("INSERT INTO credit_purchases (id, created_at, "
                                                "user_id, credits, amount_paid, "
                                                "stripe_session_id, status) VALUES ('p%1', "
                                                "'2026-12-01 00:00:00.12340%1%2', 'u1', 1, 1, "
                                                "'s%1', 'pending')")
                                     .arg(i)
                                     .arg(zone)),
                     qPrintable(insert.lastError().text()));
        }
        Job::Settings settings;
        settings.staleAgeDays = 1;
        settings.batchSize = 2;
        TestRun run;
        const JobResult result = run.run(*factory, settings);
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(count(result, "deleted"), 5);
        QCOMPARE(ids(db), QStringList());
    }

    void cancelledRunDeletesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void cancelledRunDeletesNothing()
    {
        OPEN_DATABASE();
        QVERIFY(addEveryStatusAroundTheBoundary(db, dialect));
        const QStringList before = ids(db);
        TestRun run;
        run.state->stopSource().requestStop(StopReason::Cancelled);
        const JobResult result = run.run(*factory);
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().startsWith(QStringLiteral("Cancelled")),
                 qPrintable(result.error()));
        QCOMPARE(run.state->record().outcome, RunOutcome::Cancelled);
        QCOMPARE(count(result, "deleted"), 0);
        QCOMPARE(ids(db), before);
        // Nothing is left locked: a run afterwards works.
        TestRun after;
        QVERIFY(after.run(*factory).isSuccess());
        QCOMPARE(ids(db), survivorsAroundTheBoundary());
    }

    void settingsResolve()
    {
        const auto values = SettingValues::resolve(
            Job::settingSpecs(), QProcessEnvironment(), {},
            {{QStringLiteral("staleAgeDays"), 14}, {QStringLiteral("batchSize"), 100}});
        QVERIFY2(values, values ? "" : qPrintable(values.error()));
        const auto settings = Job::settingsFrom(values.value());
        QVERIFY2(settings, settings ? "" : qPrintable(settings.error()));
        QCOMPARE(settings->staleAgeDays, 14);
        QCOMPARE(settings->batchSize, 100);
        const auto defaults =
            Job::settingsFrom(SettingValues::resolve(Job::settingSpecs(), {}).value());
        QCOMPARE(defaults->staleAgeDays, 7);
        QCOMPARE(defaults->batchSize, 5000);
    }

    void invalidSettingIsRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("age zero") << QStringLiteral("staleAgeDays") << QJsonValue(0);
        QTest::newRow("age too big") << QStringLiteral("staleAgeDays") << QJsonValue(3651);
        QTest::newRow("age text") << QStringLiteral("staleAgeDays") << QJsonValue(u"week"_qs);
        QTest::newRow("batch zero") << QStringLiteral("batchSize") << QJsonValue(0);
    }
    void invalidSettingIsRefused()
    {
        QFETCH(QString, key);
        QFETCH(QJsonValue, value);
        const auto values =
            SettingValues::resolve(Job::settingSpecs(), QProcessEnvironment(), {}, {{key, value}});
        QVERIFY(!values);
        QVERIFY2(values.error().startsWith(key), qPrintable(values.error()));
    }

    void definitionRunsDailyAtMidnight()
    {
        auto factory = std::make_shared<ConnectionFactory>(
            DatabaseUrl::sqliteFile(QStringLiteral("/nonexistent/unused.db")));
        const QTimeZone zone("Pacific/Auckland");
        const JobDefinition def = Job::definition(factory, zone, {});
        QCOMPARE(def.name, job);
        const QDateTime next = def.schedule.next(utc("2026-12-10T05:00:00Z"));
        QCOMPARE(next.toTimeZone(zone).time(), QTime(0, 0));
    }
};

QTEST_GUILESS_MAIN(tst_StaleCreditPurchaseCleanup)
#include "tst_stalecreditpurchasecleanup.moc"
