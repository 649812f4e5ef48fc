// Per-database job settings: validated, stored with their history, applied by every runtime.
#include "TestDatabases.h"

#include "engine/ManualClock.h"
#include "jobs/HistoryRetentionJob.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"
#include "jobs/JobRuntime.h"
#include "jobs/SettingValues.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"

#include <QJsonObject>
#include <QTest>

using namespace jc;

namespace {
const QString job = QString::fromLatin1(HistoryRetentionJob::name);
}

class tst_JobSettings : public QObject
{
    Q_OBJECT

private slots:
    void overridesAreValidated_data()
    {
        QTest::addColumn<QJsonObject>("settings");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("schedule") << QJsonObject{{QStringLiteral("schedule"),
                                                  QStringLiteral("*/5 * * * *")}}
                                  << QString();
        QTest::newRow("bad schedule")
            << QJsonObject{{QStringLiteral("schedule"), QStringLiteral("61 * * * *")}}
            << "schedule: minute: 61 is out of range 0-59";
        QTest::newRow("zone") << QJsonObject{{QStringLiteral("timeZone"),
                                              QStringLiteral("Europe/Berlin")}}
                              << QString();
        QTest::newRow("bad zone") << QJsonObject{{QStringLiteral("timeZone"),
                                                  QStringLiteral("Mars/Base")}}
                                  << "timeZone: unknown time zone \"Mars/Base\"";
        QTest::newRow("one-word zone") // a POSIX rule to Qt, UTC in effect
            << QJsonObject{{QStringLiteral("timeZone"), QStringLiteral("Auckland")}}
            << "timeZone: unknown time zone \"Auckland\"";
        QTest::newRow("zone outside zone.tab")
            << QJsonObject{{QStringLiteral("timeZone"), QStringLiteral("Etc/UTC")}} << QString();
        QTest::newRow("overlap") << QJsonObject{{QStringLiteral("overlap"),
                                                 QStringLiteral("queue")}}
                                 << QString();
        QTest::newRow("bad overlap")
            << QJsonObject{{QStringLiteral("overlap"), QStringLiteral("often")}}
            << "overlap: \"often\" is not one of skip, queue, parallel";
        QTest::newRow("timeout") << QJsonObject{{QStringLiteral("timeoutSeconds"), 600}}
                                 << QString();
        QTest::newRow("negative timeout") << QJsonObject{{QStringLiteral("timeoutSeconds"), -1}}
                                          << "timeoutSeconds: -1 is not a whole number from 0";
        QTest::newRow("text retries")
            << QJsonObject{{QStringLiteral("retryAttempts"), QStringLiteral("3; DROP TABLE x")}}
            << "retryAttempts: \"3; DROP TABLE x\" is not a whole";
        QTest::newRow("missed skip")
            << QJsonObject{{QStringLiteral("missedRuns"), QStringLiteral("skip")}} << QString();
        QTest::newRow("catch up on resume")
            << QJsonObject{{u"catchUpOnResume"_qs, true}} << QString();
        QTest::newRow("catch up on resume, word")
            << QJsonObject{{u"catchUpOnResume"_qs, u"no"_qs}} << QString();
        QTest::newRow("catch up on resume, nonsense")
            << QJsonObject{{u"catchUpOnResume"_qs, u"perhaps"_qs}}
            << "catchUpOnResume: \"perhaps\" is not one of yes, no";
        QTest::newRow("unknown key")
            << QJsonObject{{QStringLiteral("colour"), QStringLiteral("red")}}
            << "unknown setting \"colour\"";
    }
    void overridesAreValidated()
    {
        QFETCH(QJsonObject, settings);
        QFETCH(QString, error);
        const JobDefinition base = JobCatalog::builtInJobs(nullptr, QTimeZone("UTC")).constFirst();
        const auto applied = JobOverrides::apply(base, settings);
        QCOMPARE(applied.hasValue(), error.isEmpty());
        if (!error.isEmpty())
            QVERIFY2(applied.error().startsWith(error), qPrintable(applied.error()));
    }

    // The console's settings dialog offers the scheduler's keys as settings defaulting to the
    // built-in job, and refuses exactly what apply() refuses.
    void schedulerKeysAsSettings()
    {
        const JobDefinition base = JobCatalog::builtInJobs(nullptr, QTimeZone("UTC")).constFirst();
        const QList<SettingSpec> specs = JobOverrides::settingSpecs(base);
        QStringList keys;
        for (const SettingSpec &spec : specs)
            keys.append(spec.key);
        QCOMPARE(keys, JobOverrides::keys());
        const auto spec = [&](const QString &key) {
            return *std::find_if(specs.cbegin(), specs.cend(),
                                 [&](const SettingSpec &s) { return s.key == key; });
        };
        QCOMPARE(spec(u"schedule"_qs).defaultValue.toString(), base.schedule.text());
        QCOMPARE(spec(u"timeZone"_qs).defaultValue.toString(), u"UTC"_qs);
        QCOMPARE(spec(u"catchUpOnResume"_qs).defaultValue.toString(), u"no"_qs);
        QVERIFY(SettingValues::parse(spec(u"schedule"_qs), u"*/5 * * * *"_qs));
        const auto badSchedule = SettingValues::parse(spec(u"schedule"_qs), u"61 * * * *"_qs);
        QVERIFY(!badSchedule);
        QCOMPARE(badSchedule.error(), u"minute: 61 is out of range 0-59"_qs);
        QVERIFY(!SettingValues::parse(spec(u"timeZone"_qs), u"Mars/Base"_qs));
        QVERIFY(!SettingValues::parse(spec(u"overlap"_qs), u"often"_qs));
        QVERIFY(SettingValues::parse(spec(u"catchUpOnResume"_qs), u"yes"_qs));
        QVERIFY(!SettingValues::parse(spec(u"timeoutSeconds"_qs), -5));
    }

    void storedSettingsReachEveryRuntime_data() { test::addDatabaseRowsWithMySql(); }
    void storedSettingsReachEveryRuntime()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        JobSettingsStore store(factory);
        const QJsonObject first{{QStringLiteral("schedule"), QStringLiteral("*/10 * * * *")},
                                {QStringLiteral("timeZone"), QStringLiteral("Europe/Berlin")}};
        QCOMPARE(store.set(job, first, QStringLiteral("alice"), 1000).value(), QJsonObject());
        const QJsonObject second{{QStringLiteral("schedule"), QStringLiteral("0 4 * * *")},
                                 {QStringLiteral("overlap"), QStringLiteral("queue")}};
        QCOMPARE(store.set(job, second, QStringLiteral("bob"), 2000).value(), first);

        const auto changes = store.changes(job, 10);
        QCOMPARE(changes->size(), 2);
        QCOMPARE(changes->first().changedBy, QStringLiteral("bob"));
        QCOMPARE(changes->first().before, first);
        QCOMPARE(changes->first().after, second);
        QCOMPARE(changes->last().before, QJsonObject());

        ManualClock clock(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
        JobRuntime::Options options;
        options.zone = QTimeZone("UTC");
        auto runtime = JobRuntime::create(factory, clock, options);
        QVERIFY2(runtime, qPrintable(runtime ? QString() : runtime.error()));
        const auto status = runtime.value()->scheduler().jobStatus(job);
        QCOMPARE(status->schedule.text(), QStringLiteral("0 4 * * *"));

        QCOMPARE(store.set(job, {}, QStringLiteral("carol"), 3000).value(), second);
        QVERIFY(store.all()->isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_JobSettings)
#include "tst_jobsettings.moc"
