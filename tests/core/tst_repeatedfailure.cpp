#include "common/RepeatedFailure.h"

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTest>

using jc::RepeatedFailure;

namespace {

Q_LOGGING_CATEGORY(lcTest, "jc.test")

constexpr qint64 Minute = 60'000;
// 2026-12-07T03:32:27Z
constexpr qint64 T0 = 1'796'614'347'000;

} // namespace

// An outage repeats the same failures every few seconds; the log says so when it starts,
// every few minutes while it lasts, and when it ends.
class tst_RepeatedFailure : public QObject
{
    Q_OBJECT

private slots:
    void theFirstFailureIsLoggedThenReminders()
    {
        RepeatedFailure failures(5 * Minute);
        const QString what = QStringLiteral("Could not read the stored pauses");
        QCOMPARE(failures.failed(what, QStringLiteral("unreachable"), T0),
                 QStringLiteral("Could not read the stored pauses: unreachable"));
        // A poll every 5 s for just under five minutes: nothing more.
        qint64 at = T0;
        for (int poll = 1; poll < 60; ++poll) {
            at = T0 + poll * 5000;
            QCOMPARE(failures.failed(what, QStringLiteral("unreachable"), at), std::nullopt);
        }
        at += 5000; // five minutes after the first line
        QCOMPARE(failures.failed(what, QStringLiteral("still unreachable"), at),
                 QStringLiteral("Could not read the stored pauses: still unreachable (still "
                                "failing: 61 times since 03:32:27 UTC)"));
        QCOMPARE(failures.failed(what, QStringLiteral("unreachable"), at + 5000), std::nullopt);
        QCOMPARE(failures.succeeded(what),
                 QStringLiteral("No longer failing (62 time(s) since 03:32:27 UTC): Could not "
                                "read the stored pauses"));
        QCOMPARE(failures.succeeded(what), std::nullopt);
        // The next outage starts afresh.
        QCOMPARE(failures.failed(what, QStringLiteral("refused"), at + Minute),
                 QStringLiteral("Could not read the stored pauses: refused"));
    }

    void eachKindHasItsOwnStreak()
    {
        RepeatedFailure failures;
        QVERIFY(failures.failed(QStringLiteral("a"), QStringLiteral("x"), T0));
        QVERIFY(failures.failed(QStringLiteral("b"), QStringLiteral("x"), T0 + 1));
        QCOMPARE(failures.failed(QStringLiteral("a"), QStringLiteral("x"), T0 + 2), std::nullopt);
        QCOMPARE(failures.succeeded(QStringLiteral("c")), std::nullopt); // never failed
        QVERIFY(failures.succeeded(QStringLiteral("a")));
        QCOMPARE(failures.failed(QStringLiteral("b"), QStringLiteral("x"), T0 + 3), std::nullopt);
    }

    // note() logs failures as warnings and the recovery as information, to the given category.
    void noteLogsToTheCategory()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        RepeatedFailure failures;
        QTest::ignoreMessage(QtWarningMsg, "Heartbeat failed: gone");
        failures.note(lcTest(), QStringLiteral("Heartbeat failed"), QStringLiteral("gone"), T0);
        failures.note(lcTest(), QStringLiteral("Heartbeat failed"), QStringLiteral("gone"),
                      T0 + 15'000); // nothing: failOnWarning
        QTest::ignoreMessage(QtInfoMsg,
                             "No longer failing (2 time(s) since 03:32:27 UTC): Heartbeat failed");
        failures.note(lcTest(), QStringLiteral("Heartbeat failed"), std::nullopt, T0 + 30'000);
        failures.note(lcTest(), QStringLiteral("Heartbeat failed"), std::nullopt, T0 + 45'000);
    }
};

QTEST_GUILESS_MAIN(tst_RepeatedFailure)
#include "tst_repeatedfailure.moc"
