// `jobctl next` is an exact contract checked by machine: these rows are that contract.
#include "ChildProcess.h"

#include <QProcessEnvironment>
#include <QTest>

class tst_JobctlNext : public QObject
{
    Q_OBJECT

    using Result = jc::test::ProcessResult;

    static Result jobctl(const QStringList &arguments, const QString &tz = QStringLiteral("UTC"))
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("TZ"), tz);
        return jc::test::runProcess(QStringLiteral(JOBCTL_PATH), arguments, 30000, environment);
    }

private slots:
    void printsInstants_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("Berlin spring gap, fixed time")
            << QStringList{QStringLiteral("--tz"),      QStringLiteral("Europe/Berlin"),
                           QStringLiteral("--from"),    QStringLiteral("2026-03-28T12:00:00Z"),
                           QStringLiteral("--count"),   QStringLiteral("2"),
                           QStringLiteral("30 2 * * *")}
            << "2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n";
        QTest::newRow("UTC prints +00:00")
            << QStringList{QStringLiteral("--tz"), QStringLiteral("UTC"), QStringLiteral("--from"),
                           QStringLiteral("2024-08-15T10:30:00Z"), QStringLiteral("first-of-month")}
            << "2024-09-01T00:00:00+00:00\n";
        QTest::newRow("first-of-month from its own instant")
            << QStringList{QStringLiteral("--tz"), QStringLiteral("UTC"), QStringLiteral("--from"),
                           QStringLiteral("2024-08-01T00:00:00Z"), QStringLiteral("first-of-month")}
            << "2024-09-01T00:00:00+00:00\n";
        QTest::newRow("daily, offset in --from")
            << QStringList{QStringLiteral("--tz"), QStringLiteral("Asia/Kathmandu"),
                           QStringLiteral("--from"), QStringLiteral("2026-01-01T00:00:00+05:45"),
                           QStringLiteral("daily")}
            << "2026-01-02T00:00:00+05:45\n";
        QTest::newRow("@every aligned to the epoch")
            << QStringList{QStringLiteral("--tz"),      QStringLiteral("UTC"),
                           QStringLiteral("--from"),    QStringLiteral("2026-01-01T00:00:10Z"),
                           QStringLiteral("--count"),   QStringLiteral("3"),
                           QStringLiteral("@every 90s")}
            << "2026-01-01T00:01:30+00:00\n2026-01-01T00:03:00+00:00\n"
               "2026-01-01T00:04:30+00:00\n";
        // Zone files that zone.tab leaves out are zones all the same.
        QTest::newRow("a link outside zone.tab")
            << QStringList{QStringLiteral("--tz"), QStringLiteral("US/Eastern"),
                           QStringLiteral("--from"), QStringLiteral("2026-07-01T00:00:00Z"),
                           QStringLiteral("daily")}
            << "2026-07-01T00:00:00-04:00\n";
        QTest::newRow("system zone by default")
            << QStringList{QStringLiteral("--from"), QStringLiteral("2026-06-01T10:00:00Z"),
                           QStringLiteral("0 12 * * *")}
            << "2026-06-01T12:00:00+00:00\n";
    }
    void printsInstants()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Result result = jobctl(QStringList{QStringLiteral("next")} + arguments);
        QCOMPARE(result.err, QString());
        QCOMPARE(result.out, expected);
        QCOMPARE(result.exitCode, 0);
    }

    void refusesBadInput_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("minute out of range")
            << QStringList{QStringLiteral("61 * * * *")} << "minute: 61 is out of range 0-59";
        QTest::newRow("unknown zone")
            << QStringList{QStringLiteral("--tz"), QStringLiteral("Mars/Olympus"),
                           QStringLiteral("daily")}
            << "time zone: unknown time zone \"Mars/Olympus\"";
        // Qt reads a name that is no zone file as a POSIX rule: these came out "valid", as UTC
        // (+00:00), so a typo for Pacific/Auckland ran a job on UTC.
        for (const char *word : {"Auckland", "Berlin", "CEST", "NZDT", "Mars"})
            QTest::addRow("one word: %s", word)
                << QStringList{QStringLiteral("--tz"), QString::fromLatin1(word),
                               QStringLiteral("daily")}
                << QStringLiteral("time zone: unknown time zone \"%1\"")
                       .arg(QString::fromLatin1(word));
        QTest::newRow("empty zone")
            << QStringList{QStringLiteral("--tz"), QString(), QStringLiteral("daily")}
            << "time zone: no time zone given";
        QTest::newRow("instant without offset")
            << QStringList{QStringLiteral("--from"), QStringLiteral("2026-01-01T00:00:00"),
                           QStringLiteral("daily")}
            << "--from: \"2026-01-01T00:00:00\" is not an ISO 8601 instant";
        QTest::newRow("instant without seconds")
            << QStringList{QStringLiteral("--from"), QStringLiteral("2026-01-01T00:00Z"),
                           QStringLiteral("daily")}
            << "is not an ISO 8601 instant";
        QTest::newRow("impossible date")
            << QStringList{QStringLiteral("--from"), QStringLiteral("2026-02-30T00:00:00Z"),
                           QStringLiteral("daily")}
            << "is not an ISO 8601 instant";
        QTest::newRow("count zero")
            << QStringList{QStringLiteral("--count"), QStringLiteral("0"), QStringLiteral("daily")}
            << "--count: \"0\" is not a whole number";
        QTest::newRow("no schedule") << QStringList{} << "expected exactly one SCHEDULE";
        QTest::newRow("unquoted cron") << QStringList{QStringLiteral("0"), QStringLiteral("0")}
                                       << "expected exactly one SCHEDULE";
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("--bogus"), QStringLiteral("daily")}
            << "Unknown option 'bogus'";
    }
    void refusesBadInput()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result result = jobctl(QStringList{QStringLiteral("next")} + arguments);
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(result.out, QString());
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QCOMPARE(result.err.count(u'\n'), 1); // one line
    }

    void helpForEveryCommand()
    {
        const Result top = jobctl({QStringLiteral("--help")});
        QCOMPARE(top.exitCode, 0);
        QVERIFY(top.out.contains(QStringLiteral("next")));
        const Result next = jobctl({QStringLiteral("next"), QStringLiteral("--help")});
        QCOMPARE(next.exitCode, 0);
        QVERIFY(next.out.contains(QStringLiteral("--count")));
    }

    void unknownCommandSaysWhatExists()
    {
        const Result result = jobctl({QStringLiteral("nxet")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains(QStringLiteral("unknown command \"nxet\"")));
        QVERIFY(result.err.contains(QStringLiteral("next")));
    }
};

QTEST_GUILESS_MAIN(tst_JobctlNext)
#include "tst_jobctl_next.moc"
