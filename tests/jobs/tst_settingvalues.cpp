#include "engine/JobContext.h"
#include "engine/JobLogCategory.h"
#include "engine/RunState.h"
#include "jobs/JobCatalog.h"
#include "jobs/SettingValues.h"
#include "storage/ConnectionFactory.h"
#include "storage/DatabaseUrl.h"

#include <QJsonArray>
#include <QTemporaryDir>
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

    // A setting the job only reports (like the app's sign-up allowances): "tier" is a
    // number, "words" a list whose items must not end in '!' and that keeps its good items.
    static QList<SettingSpec> reportOnlySpecs()
    {
        SettingSpec tier{QStringLiteral("tier"),
                         QStringLiteral("Tier"),
                         QStringLiteral("JC_TEST_TIER"),
                         SettingSpec::Kind::Integer,
                         10,
                         0,
                         100,
                         {},
                         {}};
        tier.reportOnly = true;
        SettingSpec words{QStringLiteral("words"),
                          QStringLiteral("Words"),
                          QStringLiteral("JC_TEST_WORDS"),
                          SettingSpec::Kind::Text,
                          QString(),
                          0,
                          0,
                          {},
                          [](const QVariant &value) -> std::optional<QString> {
                              if (value.toString().contains(u'!'))
                                  return QStringLiteral("shouting");
                              return std::nullopt;
                          }};
        words.reportOnly = true;
        words.salvage = [](const QVariant &value) {
            QStringList kept;
            for (const QString &word : value.toString().split(u','))
                if (!word.contains(u'!'))
                    kept.append(word);
            return QVariant(kept.join(u','));
        };
        return specs() + QList<SettingSpec>{tier, words};
    }

    // Runs `def`'s body once, as a worker would.
    static JobResult runOnce(const JobDefinition &def)
    {
        JobLogCategory category(def.name);
        auto state = std::make_shared<RunState>(RunInfo{1,
                                                        def.name,
                                                        RunTrigger::Manual,
                                                        QDateTime::currentDateTimeUtc(),
                                                        {},
                                                        1,
                                                        false,
                                                        {},
                                                        {},
                                                        {},
                                                        {}},
                                                nullptr);
        JobContext context(state, category.category());
        return def.body(context);
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

    // A report-only value that does not pass is not refused: the value below it stands (or
    // what its salvage keeps), and a warning names the setting, why, and what is used.
    void reportOnlyValuesWarnInsteadOfRefusing()
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("JC_TEST_TIER"), QStringLiteral("ten"));
        environment.insert(QStringLiteral("JC_TEST_WORDS"), QStringLiteral("a,b!,c"));
        auto values = SettingValues::resolve(reportOnlySpecs(), environment);
        QVERIFY2(values, qPrintable(values ? QString() : values.error()));
        QCOMPARE(values->integer(QStringLiteral("tier")), 10);
        QCOMPARE(values->origin(QStringLiteral("tier")), QStringLiteral("default"));
        QCOMPARE(values->text(QStringLiteral("words")), QStringLiteral("a,c"));
        QCOMPARE(values->origin(QStringLiteral("words")), QStringLiteral("environment"));
        QCOMPARE(values->warnings(),
                 QStringList({QStringLiteral("JC_TEST_TIER: \"ten\" is not a whole number from 0 "
                                             "to 100; using 10 (the default) instead. The job "
                                             "only reports this setting: nothing it does "
                                             "depends on it."),
                              QStringLiteral("JC_TEST_WORDS: shouting; using \"a,c\" (from the "
                                             "environment) instead. The job only reports this "
                                             "setting: nothing it does depends on it.")}));

        // A bad stored value leaves the environment's in place.
        environment.insert(QStringLiteral("JC_TEST_TIER"), QStringLiteral("30"));
        values =
            SettingValues::resolve(reportOnlySpecs(), environment, {{QStringLiteral("tier"), 300}});
        QVERIFY2(values, qPrintable(values ? QString() : values.error()));
        QCOMPARE(values->integer(QStringLiteral("tier")), 30);
        QCOMPARE(values->warnings().size(), 2);
        QVERIFY2(values->warnings().constFirst().startsWith(
                     QStringLiteral("tier: \"300\" is not a whole number from 0 to 100; using "
                                    "30 (from the environment) instead.")),
                 qPrintable(values->warnings().constFirst()));

        // parse() still refuses: `jobctl set` turns a typo away at once.
        QVERIFY(!SettingValues::parse(reportOnlySpecs().at(4), QStringLiteral("ten")));
        // The other settings still refuse the whole resolution.
        environment.insert(QStringLiteral("JC_TEST_BATCH"), QStringLiteral("0"));
        values = SettingValues::resolve(reportOnlySpecs(), environment);
        QVERIFY(!values);
        QCOMPARE(values.error(),
                 QStringLiteral("JC_TEST_BATCH: \"0\" is not a whole number from 1 to 100000"));
    }

    // Settings that change what a job does keep failing fast with the message they always
    // had, whatever the report-only ones say: a zero batch size of the top-up, an empty or
    // missing uploads root of the cleanup.
    void behaviourSettingsStillFailFast()
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("REGULAR_USER_FREE_CREDITS"), QStringLiteral("ten"));
        environment.insert(QStringLiteral("CUSTOM_CREDIT_DOMAINS"),
                           QStringLiteral("@school.example:40,"));
        const CatalogEntry *topUp = JobCatalog::find(QStringLiteral("Monthly Credit Top-Up"));
        QVERIFY(topUp);
        const QString batch =
            QStringLiteral("batchSize: \"0\" is not a whole number from 1 to 100000");
        const auto refused = JobCatalog::configure(*topUp, nullptr, QTimeZone("UTC"), environment,
                                                   {{QStringLiteral("batchSize"), 0}});
        QVERIFY(!refused);
        QCOMPARE(refused.error(), batch);
        const JobResult topUpRun = runOnce(JobCatalog::configuredJob(
            *topUp, nullptr, QTimeZone("UTC"), environment, {{QStringLiteral("batchSize"), 0}}));
        QVERIFY(!topUpRun.isSuccess());
        QVERIFY2(topUpRun.error().startsWith(
                     QStringLiteral("Cannot run with the current settings: ") + batch + u'.'),
                 qPrintable(topUpRun.error()));

        const CatalogEntry *uploads = JobCatalog::find(QStringLiteral("Orphaned Uploads Cleanup"));
        QVERIFY(uploads);
        const auto empty = JobCatalog::configure(*uploads, nullptr, QTimeZone("UTC"), environment,
                                                 {{QStringLiteral("uploadsDir"), u"  "_qs}});
        QVERIFY(!empty);
        QCOMPARE(empty.error(), QStringLiteral("uploadsDir: the path is empty"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        environment.insert(QStringLiteral("UPLOADS_DIR"), dir.filePath(QStringLiteral("gone")));
        // A database the body is handed but never opens: the missing folder stops it first.
        const auto database = std::make_shared<ConnectionFactory>(
            DatabaseUrl::sqliteFile(dir.filePath(QStringLiteral("unused.db"))));
        const JobResult sweep = runOnce(
            JobCatalog::configuredJob(*uploads, database, QTimeZone("UTC"), environment, {}));
        QVERIFY(!sweep.isSuccess());
        QCOMPARE(sweep.error(),
                 QStringLiteral("UPLOADS_DIR: the uploads folder \"%1\" does not exist; set "
                                "UPLOADS_DIR (or the job's uploadsDir) to the app's "
                                "static/uploads folder")
                     .arg(dir.filePath(QStringLiteral("gone"))));
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
