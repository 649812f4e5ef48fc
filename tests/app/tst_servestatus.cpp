// The status line `jobctl serve` gives systemd (`systemctl status`): counts, the next job(s)
// and when, in the serve's zone.
#include "ServeStatus.h"

#include <QTest>

using namespace Qt::StringLiterals;
using jc::JobStatus;

namespace {

const QDateTime now = QDateTime::fromString(u"2026-12-03T09:00:00Z"_s, Qt::ISODate);

JobStatus job(const QString &name, const QString &next, bool paused = false, int running = 0)
{
    JobStatus status;
    status.name = name;
    status.nextRun = next.isEmpty() ? QDateTime() : QDateTime::fromString(next, Qt::ISODate);
    status.paused = paused;
    status.runningRuns = running;
    return status;
}

} // namespace

class tst_ServeStatus : public QObject
{
    Q_OBJECT

private slots:
    void line_data()
    {
        QTest::addColumn<QList<JobStatus>>("jobs");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("expected");
        const QList<JobStatus> builtIn{
            job(u"Monthly Credit Top-Up"_s, u"2027-01-01T00:00:00Z"_s),
            job(u"Stale Credit Purchase Cleanup"_s, u"2026-12-04T00:00:00Z"_s),
            job(u"Orphaned Uploads Cleanup"_s, u"2026-12-04T00:00:00Z"_s),
            job(u"History Retention"_s, u"2026-12-04T03:17:00Z"_s)};
        QTest::newRow("the built-in jobs: two due at midnight")
            << builtIn << u"UTC"_s
            << u"4 jobs, next: Orphaned Uploads Cleanup and Stale Credit Purchase Cleanup at "
               u"00:00"_s;
        QTest::newRow("in the serve's zone")
            << builtIn << u"Europe/Berlin"_s
            << u"4 jobs, next: Orphaned Uploads Cleanup and Stale Credit Purchase Cleanup at "
               u"01:00"_s;
        QList<JobStatus> busy = builtIn;
        busy[1].paused = true;
        busy[3].runningRuns = 1;
        QTest::newRow("running and paused; a paused job is not next")
            << busy << u"UTC"_s
            << u"4 jobs, 1 running, 1 paused, next: Orphaned Uploads Cleanup at 00:00"_s;
        QTest::newRow("more than a day ahead: with the date")
            << QList<JobStatus>{job(u"Monthly Credit Top-Up"_s, u"2027-01-01T00:00:00Z"_s)}
            << u"UTC"_s << u"1 job, next: Monthly Credit Top-Up at 2027-01-01 00:00"_s;
        QTest::newRow("seconds when they are not zero")
            << QList<JobStatus>{job(u"History Retention"_s, u"2026-12-03T09:00:01Z"_s)} << u"UTC"_s
            << u"1 job, next: History Retention at 09:00:01"_s;
        QTest::newRow("nothing scheduled")
            << QList<JobStatus>{job(u"A"_s, {}), job(u"B"_s, u"2026-12-04T00:00:00Z"_s, true)}
            << u"UTC"_s << u"2 jobs, 1 paused, nothing scheduled"_s;
    }
    void line()
    {
        QFETCH(QList<JobStatus>, jobs);
        QFETCH(QString, zone);
        QFETCH(QString, expected);
        QCOMPARE(ServeStatus::line(jobs, now, QTimeZone(zone.toUtf8())), expected);
        // The heartbeat got through: nothing more said.
        QCOMPARE(ServeStatus::line(
                     jobs, now, QTimeZone(zone.toUtf8()),
                     jc::LeaseRenewal{now.toMSecsSinceEpoch(), true, now.toMSecsSinceEpoch()}),
                 expected);
    }

    // The database went away (service tester, round 2, defect 9): `systemctl status` said
    // "4 jobs, next: …" as if all were well. The line now starts with the outage, since the
    // last heartbeat that got through, in the serve's zone.
    void lineSaysTheDatabaseIsUnreachable_data()
    {
        QTest::addColumn<qint64>("renewedAt");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("expected");
        const qint64 at = now.addSecs(-95).toMSecsSinceEpoch(); // 08:58:25 UTC
        QTest::newRow("since the last heartbeat written")
            << at << u"UTC"_s
            << u"database unreachable since 08:58:25 (no heartbeat written); 1 job, next: "
               u"History Retention at 09:00:01"_s;
        QTest::newRow("in the serve's zone")
            << at << u"Europe/Berlin"_s
            << u"database unreachable since 09:58:25 (no heartbeat written); 1 job, next: "
               u"History Retention at 10:00:01"_s;
        QTest::newRow("for days: with the date")
            << now.addDays(-3).toMSecsSinceEpoch() << u"UTC"_s
            << u"database unreachable since 2026-11-30 09:00:00 (no heartbeat written); 1 job, "
               u"next: History Retention at 09:00:01"_s;
        QTest::newRow("never reached")
            << qint64(0) << u"UTC"_s
            << u"database unreachable (no heartbeat written yet); 1 job, next: History "
               u"Retention at 09:00:01"_s;
    }
    void lineSaysTheDatabaseIsUnreachable()
    {
        QFETCH(qint64, renewedAt);
        QFETCH(QString, zone);
        QFETCH(QString, expected);
        const QList<JobStatus> jobs{job(u"History Retention"_s, u"2026-12-03T09:00:01Z"_s)};
        QCOMPARE(ServeStatus::line(jobs, now, QTimeZone(zone.toUtf8()),
                                   jc::LeaseRenewal{now.toMSecsSinceEpoch(), false, renewedAt}),
                 expected);
    }
};

QTEST_GUILESS_MAIN(tst_ServeStatus)
#include "tst_servestatus.moc"
