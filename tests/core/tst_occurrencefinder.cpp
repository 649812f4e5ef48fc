// OccurrenceFinder: a schedule's occurrences looking backwards, the test a backfill's instant
// must pass, and the message that names the nearest occurrences when it does not.
#include "schedule/OccurrenceFinder.h"

#include <QTest>

using namespace jc;

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

Schedule parse(const char *text, const char *zone)
{
    return Schedule::parse(QString::fromLatin1(text), QTimeZone(zone)).value();
}

} // namespace

class tst_OccurrenceFinder : public QObject
{
    Q_OBJECT

private slots:
    void previous_data()
    {
        QTest::addColumn<QString>("schedule");
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QDateTime>("instant");
        QTest::addColumn<QDateTime>("expected");
        QTest::newRow("first-of-month in Auckland, from the occurrence itself")
            << u"first-of-month"_qs << QByteArray("Pacific/Auckland") << utc("2026-11-30T11:00:00Z")
            << utc("2026-10-31T11:00:00Z");
        QTest::newRow("first-of-month, mid-month")
            << u"first-of-month"_qs << QByteArray("UTC") << utc("2026-12-17T08:00:00Z")
            << utc("2026-12-01T00:00:00Z");
        QTest::newRow("every second") << u"* * * * * *"_qs << QByteArray("UTC")
                                      << utc("2026-12-17T08:00:00Z") << utc("2026-12-17T07:59:59Z");
        QTest::newRow("yearly, almost a year back")
            << u"0 0 1 1 *"_qs << QByteArray("Europe/Berlin") << utc("2026-12-17T08:00:00Z")
            << utc("2025-12-31T23:00:00Z");
        QTest::newRow("spring-forward gap fires at the transition")
            << u"30 2 * * *"_qs << QByteArray("Europe/Berlin") << utc("2026-03-29T02:00:00Z")
            << utc("2026-03-29T01:00:00Z");
    }
    void previous()
    {
        QFETCH(QString, schedule);
        QFETCH(QByteArray, zone);
        QFETCH(QDateTime, instant);
        QFETCH(QDateTime, expected);
        const Schedule parsed = Schedule::parse(schedule, QTimeZone(zone)).value();
        QCOMPARE(OccurrenceFinder::previous(parsed, instant).toUTC(), expected);
    }

    void neverFiringScheduleHasNoPrevious()
    {
        QVERIFY(!OccurrenceFinder::previous(parse("0 0 30 2 *", "UTC"), utc("2026-12-01T00:00:00Z"))
                     .isValid());
    }

    void latestAreNewestFirstAndIncludeTheInstant()
    {
        const auto found = OccurrenceFinder::latest(parse("first-of-month", "UTC"),
                                                    utc("2026-12-01T00:00:00Z"), 3);
        QCOMPARE(found.size(), 3);
        QCOMPARE(found.at(0).toUTC(), utc("2026-12-01T00:00:00Z"));
        QCOMPARE(found.at(1).toUTC(), utc("2026-11-01T00:00:00Z"));
        QCOMPARE(found.at(2).toUTC(), utc("2026-10-01T00:00:00Z"));
    }

    void aroundSaysWhetherTheInstantIsOne()
    {
        const Schedule monthly = parse("first-of-month", "Pacific/Auckland");
        const auto on = OccurrenceFinder::around(monthly, utc("2026-11-30T11:00:00Z"));
        QVERIFY(on.isOccurrence);
        const auto off = OccurrenceFinder::around(monthly, utc("2026-12-01T00:00:00Z"));
        QVERIFY(!off.isOccurrence);
        QCOMPARE(off.previous.toUTC(), utc("2026-11-30T11:00:00Z"));
        QCOMPARE(off.next.toUTC(), utc("2026-12-31T11:00:00Z"));
    }

    void refusalNamesTheNearestInTheJobsZone()
    {
        const Schedule monthly = parse("first-of-month", "Pacific/Auckland");
        QVERIFY(!OccurrenceFinder::notAnOccurrence(monthly, utc("2026-11-30T11:00:00Z"), u"J"_qs));
        const auto refusal =
            OccurrenceFinder::notAnOccurrence(monthly, utc("2026-12-01T00:00:00Z"), u"J"_qs);
        QVERIFY(refusal);
        QVERIFY2(refusal->contains(u"the nearest are 2026-12-01T00:00:00+13:00 and "
                                   "2027-01-01T00:00:00+13:00"_qs),
                 qPrintable(*refusal));
        QVERIFY2(refusal->startsWith(u"2026-12-01T13:00:00+13:00 is not an occurrence of \"J\" "
                                     "(first-of-month, Pacific/Auckland)"_qs),
                 qPrintable(*refusal));
    }
};

QTEST_GUILESS_MAIN(tst_OccurrenceFinder)
#include "tst_occurrencefinder.moc"
