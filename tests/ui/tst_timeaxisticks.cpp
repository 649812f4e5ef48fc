// The chart's time axis ticks: round instants of the display zone, written as the tables write
// times, never at the span's ends, across a change of offset, a new year and every scale.
#include "views/TimeAxisTicks.h"

#include "MachineZone.h"

#include "data/TimeDisplay.h"

#include <QDateTime>
#include <QTest>

using jc::TimeAxisTicks;
using jc::TimeDisplay;
using namespace Qt::StringLiterals;

namespace {

using jc::test::setMachineZone;

qint64 ms(const char *iso)
{
    return jc::test::utc(iso).toMSecsSinceEpoch();
}

QStringList labelsBetween(const char *first, const char *last)
{
    QStringList labels;
    for (const TimeAxisTicks::Tick &tick : TimeAxisTicks::between(ms(first), ms(last)))
        labels.append(tick.label);
    return labels;
}

} // namespace

class tst_TimeAxisTicks : public QObject
{
    Q_OBJECT
private slots:
    void init() { TimeDisplay::setZone(TimeDisplay::Zone::Utc); }
    void cleanup()
    {
        setMachineZone("UTC");
        TimeDisplay::setZone(TimeDisplay::Zone::Local);
    }

    void atRoundInstantsOfEveryScale_data()
    {
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("last");
        QTest::addColumn<QStringList>("labels");
        QTest::newRow("two minutes over midnight")
            << u"2026-09-30T23:59:00Z"_s << u"2026-10-01T00:01:00Z"_s
            << QStringList{u"Sep 30 23:59:30 UTC"_s, u"Oct 1 00:00:00 UTC"_s,
                           u"Oct 1 00:00:30 UTC"_s};
        QTest::newRow("an hour") << u"2026-12-06T11:00:00Z"_s << u"2026-12-06T12:00:00Z"_s
                                 << QStringList{u"Dec 6 11:10 UTC"_s, u"Dec 6 11:20 UTC"_s,
                                                u"Dec 6 11:30 UTC"_s, u"Dec 6 11:40 UTC"_s,
                                                u"Dec 6 11:50 UTC"_s};
        QTest::newRow("four days") << u"2026-12-01T00:00:00Z"_s << u"2026-12-05T00:00:00Z"_s
                                   << QStringList{u"Dec 2"_s, u"Dec 3"_s, u"Dec 4"_s};
        QTest::newRow("days over a new year")
            << u"2025-12-29T00:00:00Z"_s << u"2026-01-02T00:00:00Z"_s
            << QStringList{u"Dec 30 2025"_s, u"Dec 31 2025"_s, u"Jan 1 2026"_s};
        QTest::newRow("three months, a monthly job")
            << u"2026-09-01T00:00:00Z"_s << u"2026-12-01T00:00:00Z"_s
            << QStringList{u"Sep 16"_s, u"Oct 1"_s, u"Oct 16"_s, u"Nov 1"_s, u"Nov 16"_s};
        QTest::newRow("ten months")
            << u"2026-01-01T00:00:00Z"_s << u"2026-11-01T00:00:00Z"_s
            << QStringList{u"Mar 2026"_s, u"May 2026"_s, u"Jul 2026"_s, u"Sep 2026"_s};
        QTest::newRow("four years of a monthly job")
            << u"2022-11-01T00:00:00Z"_s << u"2026-12-01T00:00:00Z"_s
            << QStringList{u"2023"_s, u"2024"_s, u"2025"_s, u"2026"_s};
    }

    void atRoundInstantsOfEveryScale()
    {
        QFETCH(QString, first);
        QFETCH(QString, last);
        QFETCH(QStringList, labels);
        QCOMPARE(labelsBetween(qPrintable(first), qPrintable(last)), labels);
    }

    // Each tick sits on the instant its label names.
    void ticksAreWhereTheirLabelsSay()
    {
        const auto ticks =
            TimeAxisTicks::between(ms("2026-12-06T11:00:00Z"), ms("2026-12-06T12:00:00Z"));
        QCOMPARE(ticks.size(), 5);
        QCOMPARE(ticks.at(2).msecs, ms("2026-12-06T11:30:00Z"));
    }

    // UTC chosen in the settings on a machine in Auckland (+13:00 in December): UTC, named.
    void utcOnAMachineElsewhere()
    {
        setMachineZone("Pacific/Auckland");
        QCOMPARE(labelsBetween("2026-12-01T00:00:00Z", "2026-12-01T04:00:00Z"),
                 QStringList({u"Dec 1 01:00 UTC"_s, u"Dec 1 02:00 UTC"_s, u"Dec 1 03:00 UTC"_s}));
    }

    // Berlin's local time as summer time ends: 02:00 comes twice, told apart by its zone.
    void localTimeAcrossTheEndOfSummerTime()
    {
        setMachineZone("Europe/Berlin");
        TimeDisplay::setZone(TimeDisplay::Zone::Local);
        QCOMPARE(
            labelsBetween("2026-10-24T23:30:00Z", "2026-10-25T01:30:00Z"),
            QStringList({u"Oct 25 02:00 CEST"_s, u"Oct 25 02:30 CEST"_s, u"Oct 25 02:00 CET"_s}));
    }

    // Round on the zone's own clock: India's half-hour offset gives 12:00 IST, not 11:30 or 12:30.
    void roundOnTheZonesClock()
    {
        setMachineZone("Asia/Kolkata");
        TimeDisplay::setZone(TimeDisplay::Zone::Local);
        QCOMPARE(labelsBetween("2026-12-01T00:00:00Z", "2026-12-01T12:00:00Z"),
                 QStringList({u"Dec 1 06:00 IST"_s, u"Dec 1 08:00 IST"_s, u"Dec 1 10:00 IST"_s,
                              u"Dec 1 12:00 IST"_s, u"Dec 1 14:00 IST"_s, u"Dec 1 16:00 IST"_s}));
    }

    void anEmptySpanHasNoTicks()
    {
        QVERIFY(TimeAxisTicks::between(ms("2026-12-01T00:00:00Z"), ms("2026-12-01T00:00:00Z"))
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_TimeAxisTicks)
#include "tst_timeaxisticks.moc"
