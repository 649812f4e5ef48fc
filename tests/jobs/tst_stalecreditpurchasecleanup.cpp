// The Stale Credit Purchase Cleanup on both databases: which rows go (pending and failed,
// strictly older than the age) and which stay (completed, cancelled, young, exactly at the
// boundary), idempotency, cancellation (rolls back), dry runs, batches, and its settings.
#include "EnginePrinters.h"
#include "TestDatabases.h"

#include "engine/JobContext.h"
#include "engine/JobLogCategory.h"
#include "engine/RunState.h"
#include "jobs/SettingValues.h"
#include "jobs/StaleCreditPurchaseCleanupJob.h"
#include "storage/Migrator.h"
#include "storage/SqlTime.h"

#include <QJsonObject>
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
              RunInfo{1, job, RunTrigger::Scheduled, now, {}, 1, dryRun, {}, {}, {}}, nullptr))
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
    void deletesStalePendingAndFailedOnly_data() { test::addDatabaseRows(); }
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
        QCOMPARE(run.state->record().outcome, RunOutcome::Succeeded);
        const auto lines = run.state->logLines();
        QVERIFY(std::any_of(lines.cbegin(), lines.cend(), [](const LogLine &line) {
            return line.message == QStringLiteral("Stale credit purchases deleted");
        }));
    }

    void secondRunDeletesNothing_data() { test::addDatabaseRows(); }
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

    void exactBoundaryIsKept_data() { test::addDatabaseRows(); }
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

    void dryRunChangesNothing_data() { test::addDatabaseRows(); }
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
    }

    void ageIsConfigurable_data() { test::addDatabaseRows(); }
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

    void batchesDeleteEverythingStale_data() { test::addDatabaseRows(); }
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

    void subMillisecondTimesDoNotStallBatches_data() { test::addDatabaseRows(); }
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

    void cancelledRunDeletesNothing_data() { test::addDatabaseRows(); }
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
        const JobDefinition def = Job::definition(factory, zone);
        QCOMPARE(def.name, job);
        const QDateTime next = def.schedule.next(utc("2026-12-10T05:00:00Z"));
        QCOMPARE(next.toTimeZone(zone).time(), QTime(0, 0));
    }
};

QTEST_GUILESS_MAIN(tst_StaleCreditPurchaseCleanup)
#include "tst_stalecreditpurchasecleanup.moc"
