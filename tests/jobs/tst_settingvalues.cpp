#include "jobs/JobCatalog.h"
#include "jobs/SettingValues.h"

#include <QJsonArray>
#include <QTest>

using namespace jc;

// How a job's settings are resolved: default < environment < database < run, every value
// checked against its spec, and a refusal names the setting (as typed: the environment
// variable when it came from there).
class tst_SettingValues : public QObject
{
    Q_OBJECT

    static QList<SettingSpec> specs()
    {
        using Kind = SettingSpec::Kind;
        return {
            {QStringLiteral("batchSize"),
             QStringLiteral("Batch size"),
             QStringLiteral("JC_TEST_BATCH"),
             Kind::Integer,
             1000,
             1,
             100000,
             {},
             {}},
            {QStringLiteral("siteUrl"),
             QStringLiteral("Site"),
             QStringLiteral("SITE_URL"),
             Kind::Url,
             QString(),
             0,
             0,
             {},
             {}},
            {QStringLiteral("sources"),
             QStringLiteral("Sources"),
             {},
             Kind::List,
             QStringList{QStringLiteral("a.b")},
             0,
             0,
             {},
             {}},
            {QStringLiteral("root"),
             QStringLiteral("Root"),
             QStringLiteral("UPLOADS_DIR"),
             Kind::Path,
             QStringLiteral("static/uploads"),
             0,
             0,
             {},
             {}},
        };
    }

private slots:
    void defaultsWhenNothingIsGiven()
    {
        const auto values = SettingValues::resolve(specs(), QProcessEnvironment());
        QVERIFY2(values, values ? "" : qPrintable(values.error()));
        QCOMPARE(values->integer(QStringLiteral("batchSize")), 1000);
        QCOMPARE(values->text(QStringLiteral("siteUrl")), QString());
        QCOMPARE(values->list(QStringLiteral("sources")), QStringList{QStringLiteral("a.b")});
        QCOMPARE(values->origin(QStringLiteral("batchSize")), QStringLiteral("default"));
    }

    void precedenceIsEnvironmentThenDatabaseThenRun()
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("JC_TEST_BATCH"), QStringLiteral("10"));
        environment.insert(QStringLiteral("UPLOADS_DIR"), QStringLiteral("/srv/uploads"));
        const QJsonObject stored{{QStringLiteral("batchSize"), 20}};
        const QJsonObject run{{QStringLiteral("batchSize"), QStringLiteral("30")}};

        auto values = SettingValues::resolve(specs(), environment);
        QCOMPARE(values->integer(QStringLiteral("batchSize")), 10);
        QCOMPARE(values->origin(QStringLiteral("batchSize")), QStringLiteral("environment"));
        QCOMPARE(values->text(QStringLiteral("root")), QStringLiteral("/srv/uploads"));
        values = SettingValues::resolve(specs(), environment, stored);
        QCOMPARE(values->integer(QStringLiteral("batchSize")), 20);
        QCOMPARE(values->origin(QStringLiteral("batchSize")), QStringLiteral("database"));
        values = SettingValues::resolve(specs(), environment, stored, run);
        QCOMPARE(values->integer(QStringLiteral("batchSize")), 30);
        QCOMPARE(values->origin(QStringLiteral("batchSize")), QStringLiteral("run"));
    }

    void invalidValuesAreRefusedNamingTheSetting_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not a number") << "JC_TEST_BATCH"
                                      << "lots"
                                      << "JC_TEST_BATCH: \"lots\"";
        QTest::newRow("out of range") << "JC_TEST_BATCH"
                                      << "0"
                                      << "from 1 to 100000";
        QTest::newRow("url without scheme") << "SITE_URL"
                                            << "game.example.org"
                                            << "SITE_URL: \"game.example.org\" is not";
        QTest::newRow("url of another scheme") << "SITE_URL"
                                               << "ftp://game.example.org"
                                               << "SITE_URL:";
    }

    void invalidValuesAreRefusedNamingTheSetting()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QProcessEnvironment environment;
        environment.insert(variable, value);
        const auto values = SettingValues::resolve(specs(), environment);
        QVERIFY(!values);
        QVERIFY2(values.error().contains(expected), qPrintable(values.error()));
    }

    void storedValuesAreCheckedToo()
    {
        const auto list = SettingValues::resolve(
            specs(), QProcessEnvironment(),
            {{QStringLiteral("sources"), QJsonArray{QStringLiteral("x.y"), QString()}}});
        QVERIFY(!list);
        QVERIFY2(list.error().startsWith(QStringLiteral("sources: ")), qPrintable(list.error()));
        const auto fraction = SettingValues::resolve(specs(), QProcessEnvironment(), {},
                                                     {{QStringLiteral("batchSize"), 2.5}});
        QVERIFY(!fraction);
    }

    void otherKeysAreLeftToTheScheduler()
    {
        const auto values =
            SettingValues::resolve(specs(), QProcessEnvironment(),
                                   {{QStringLiteral("schedule"), QStringLiteral("daily")}});
        QVERIFY(values);
        QVERIFY(!values->contains(QStringLiteral("schedule")));
    }

    // A job whose settings are invalid is still listed (with its schedule) but every run
    // fails with the message: nothing silently falls back to a default.
    void aJobWithInvalidSettingsRefusesToRun()
    {
        const CatalogEntry *entry = JobCatalog::find(QStringLiteral("History Retention"));
        QVERIFY(entry);
        const auto refused =
            JobCatalog::configure(*entry, nullptr, QTimeZone("UTC"), QProcessEnvironment(),
                                  {{QStringLiteral("keepRuns"), 0}});
        QVERIFY(!refused);
        QVERIFY2(refused.error().startsWith(QStringLiteral("keepRuns: ")),
                 qPrintable(refused.error()));
        const auto unknown =
            JobCatalog::configure(*entry, nullptr, QTimeZone("UTC"), QProcessEnvironment(),
                                  {{QStringLiteral("keepRunz"), 5}});
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().contains(QStringLiteral("unknown setting \"keepRunz\"")),
                 qPrintable(unknown.error()));
    }
};

QTEST_GUILESS_MAIN(tst_SettingValues)
#include "tst_settingvalues.moc"
