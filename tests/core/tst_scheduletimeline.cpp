// The schedules a job followed over time (issue 21): each owns its occurrences up to and
// including the instant it was replaced, its successor only those strictly after it.
#include "schedule/ScheduleTimeline.h"

#include <QTest>

using namespace jc;

namespace {

qint64 at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

Schedule cron(const char *text)
{
    auto parsed = Schedule::parse(QString::fromLatin1(text), QTimeZone::utc());
    if (!parsed)
        qFatal("bad test schedule %s", text);
    return parsed.value();
}

QString iso(qint64 msecs)
{
    return msecs < 0 ? QStringLiteral("none")
                     : QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

class tst_ScheduleTimeline : public QObject
{
    Q_OBJECT

private slots:
    void currentOnlyIsTheSchedule()
    {
        const ScheduleTimeline timeline(cron("*/5 * * * *"));
        QCOMPARE(iso(timeline.nextMSecs(at("2026-01-15T06:01:00Z"))), u"2026-01-15T06:05:00Z"_qs);
    }

    void eachScheduleOwnsItsTime_data()
    {
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("next");
        // Hourly until 10:00 (its 10:00 included), every 15 min until 11:05, then daily.
        QTest::newRow("old one before its end") << "2026-01-15T08:30:00Z"
                                                << "2026-01-15T09:00:00Z";
        QTest::newRow("old one at the change instant") << "2026-01-15T09:30:00Z"
                                                       << "2026-01-15T10:00:00Z";
        QTest::newRow("new one strictly after it") << "2026-01-15T10:00:00Z"
                                                   << "2026-01-15T10:15:00Z";
        QTest::newRow("second change mid-interval") << "2026-01-15T11:00:00Z"
                                                    << "2026-01-16T00:00:00Z";
        QTest::newRow("from before all, walking") << "2026-01-15T09:00:00Z"
                                                  << "2026-01-15T10:00:00Z";
        QTest::newRow("current one") << "2026-01-16T00:00:00Z"
                                     << "2026-01-17T00:00:00Z";
    }
    void eachScheduleOwnsItsTime()
    {
        QFETCH(QString, after);
        QFETCH(QString, next);
        const ScheduleTimeline timeline({{cron("0 * * * *"), at("2026-01-15T10:00:00Z")},
                                         {cron("*/15 * * * *"), at("2026-01-15T11:05:00Z")}},
                                        cron("0 0 * * *"));
        QCOMPARE(
            iso(timeline.nextMSecs(QDateTime::fromString(after, Qt::ISODate).toMSecsSinceEpoch())),
            next);
    }

    // A schedule replaced before it fired again adds nothing; one that never fires again
    // neither.
    void quietSchedulesAreSkipped()
    {
        const ScheduleTimeline timeline({{cron("0 0 * * *"), at("2026-01-15T06:05:00Z")},
                                         {cron("0 0 30 2 *"), at("2026-01-15T07:00:00Z")}},
                                        cron("*/5 * * * *"));
        QCOMPARE(iso(timeline.nextMSecs(at("2026-01-15T00:00:00Z"))), u"2026-01-15T07:05:00Z"_qs);
    }

    // Instants out of order (the hosts' clocks disagreed) count as their predecessor's.
    void outOfOrderInstantsAreMonotonic()
    {
        const ScheduleTimeline timeline({{cron("0 * * * *"), at("2026-01-15T10:30:00Z")},
                                         {cron("*/15 * * * *"), at("2026-01-15T10:29:00Z")}},
                                        cron("*/10 * * * *"));
        QCOMPARE(timeline.earlier().at(1).replacedAt, at("2026-01-15T10:30:00Z"));
        QCOMPARE(iso(timeline.nextMSecs(at("2026-01-15T10:00:00Z"))), u"2026-01-15T10:40:00Z"_qs);
    }
};

QTEST_GUILESS_MAIN(tst_ScheduleTimeline)
#include "tst_scheduletimeline.moc"
