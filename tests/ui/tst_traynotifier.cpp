// The tray's notifications: a run's problem names the job, the outcome, the error's first line
// and, when the run counted anything, what it did in words; the other alerts say what
// happened. Offscreen there is no tray: the message is still composed (lastMessage), so it is
// what a desktop would show.
#include "main/TrayNotifier.h"

#include <QIcon>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using jc::Alert;
using jc::AlertKind;
using jc::RunOutcome;
using jc::StoredRun;
using jc::TrayNotifier;

namespace {

StoredRun ended(const QString &job, RunOutcome outcome, const QString &error, const char *summary)
{
    StoredRun run;
    run.id = 7;
    run.job = job;
    run.outcome = outcome;
    run.error = error;
    run.summary = QJsonDocument::fromJson(QByteArray(summary)).object();
    return run;
}

} // namespace

class tst_TrayNotifier : public QObject
{
    Q_OBJECT
private slots:
    void problemsSayWhatTheRunDid()
    {
        TrayNotifier tray(QIcon(), nullptr);
        const StoredRun topUp =
            ended(QStringLiteral("Monthly Credit Top-Up"), RunOutcome::Failed,
                  QStringLiteral("2 batches failed for good\nsee the log"),
                  R"({"usersToppedUp":722043,"creditsGranted":12700374,"alreadyToppedUp":18433,
                      "usersSkippedNegative":0,"period":"2026-12","failedBatches":2,
                      "usersInFailedBatches":2000})");
        QVERIFY(tray.notifyEnded(topUp));
        QCOMPARE(tray.lastMessage(),
                 QStringLiteral("\"Monthly Credit Top-Up\" failed: 2 batches failed for good …\n"
                                "Topped up 722,043 users with 12,700,374 credits for 2026-12 "
                                "(18,433 already had theirs, 0 skipped: negative balance); 2 "
                                "batches failed: 2,000 users wait for the retry"));

        // No counts: the error alone.
        QVERIFY(tray.notifyEnded(ended(QStringLiteral("History Retention"), RunOutcome::Interrupted,
                                       QStringLiteral("lease expired"), "{}")));
        QCOMPARE(tray.lastMessage(), QStringLiteral("\"History Retention\" interrupted: lease "
                                                    "expired"));

        // Success is no news.
        QVERIFY(!tray.notifyEnded(ended(QStringLiteral("History Retention"), RunOutcome::Succeeded,
                                        {}, R"({"runsDeleted":3})")));
        QCOMPARE(tray.lastMessage(), QStringLiteral("\"History Retention\" interrupted: lease "
                                                    "expired"));
    }

    // What the alert rules add (ConsoleAlerts decides when): how many failures came in a row,
    // and the alerts that are not a run's problem, each with its own title.
    void alertsSayWhatHappened()
    {
        TrayNotifier tray(QIcon(), nullptr);
        QSignalSpy notified(&tray, &TrayNotifier::notified);
        QVERIFY(tray.notifyEnded(ended(QStringLiteral("History Retention"), RunOutcome::Failed,
                                       QStringLiteral("disk full"), "{}"),
                                 3));
        QCOMPARE(tray.lastMessage(),
                 QStringLiteral("\"History Retention\" failed (3 in a row): disk full"));

        const QDateTime at =
            QDateTime::fromString(QStringLiteral("2026-12-05T09:00:00Z"), Qt::ISODate);
        tray.notifyAlert(Alert{QStringLiteral("History Retention"),
                               AlertKind::Recovered,
                               QStringLiteral("succeeded"),
                               {},
                               8,
                               at,
                               {},
                               at,
                               3});
        QCOMPARE(tray.lastMessage(),
                 QStringLiteral("\"History Retention\" succeeded again after 3 failed runs"));
        tray.notifyAlert(Alert{QStringLiteral("Orphaned Uploads Cleanup"),
                               AlertKind::Missed,
                               QStringLiteral("missed"),
                               QStringLiteral("not run: no instance was running"),
                               0,
                               at,
                               {},
                               at,
                               2});
        QCOMPARE(tray.lastMessage(), QStringLiteral("\"Orphaned Uploads Cleanup\" missed 2 "
                                                    "occurrences: not run: no instance was "
                                                    "running"));
        QCOMPARE(notified.size(), 3);
        QCOMPARE(notified.at(1).at(0).toString(), QStringLiteral("Job recovered"));
        QCOMPARE(notified.at(2).at(0).toString(), QStringLiteral("Job missed"));
    }
};

QTEST_MAIN(tst_TrayNotifier)
#include "tst_traynotifier.moc"
