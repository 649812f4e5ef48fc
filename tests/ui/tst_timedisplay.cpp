// Times in the console: the chosen zone always named; in UTC, the local reading beside it
// when the machine's clock differs from UTC.
#include "data/TimeDisplay.h"

#include "MachineZone.h"

#include <QTest>
#include <QTimeZone>

using jc::TimeDisplay;
using namespace Qt::StringLiterals;

using jc::test::setMachineZone;
using jc::test::utc;

class tst_TimeDisplay : public QObject
{
    Q_OBJECT
private slots:
    void cleanup()
    {
        setMachineZone("UTC");
        TimeDisplay::setZone(TimeDisplay::Zone::Local);
        TimeDisplay::setReferenceNow({});
    }

    // A year of history: instants of another year than the console's now say it, in the
    // display zone's reckoning (New Year's Eve in UTC is New Year's Day in Berlin).
    void cellsSayAnotherYear()
    {
        TimeDisplay::setZone(TimeDisplay::Zone::Utc);
        QCOMPARE(TimeDisplay::shortDateTime(utc("2025-06-01T00:00:00Z")),
                 u"Jun 1 00:00:00 UTC"_s); // no reference: as before
        TimeDisplay::setReferenceNow(utc("2026-12-07T00:10:00Z"));
        QCOMPARE(TimeDisplay::shortDateTime(utc("2026-06-01T00:00:00Z")), u"Jun 1 00:00:00 UTC"_s);
        QCOMPARE(TimeDisplay::shortDateTime(utc("2025-06-01T00:00:00Z")),
                 u"Jun 1 2025 00:00:00 UTC"_s);
        setMachineZone("Europe/Berlin");
        TimeDisplay::setZone(TimeDisplay::Zone::Local);
        TimeDisplay::setReferenceNow(utc("2026-01-01T00:30:00Z"));
        QCOMPARE(TimeDisplay::shortDateTime(utc("2025-12-31T23:30:00Z")), u"Jan 1 00:30:00 CET"_s);
        QCOMPARE(TimeDisplay::shortDateTime(utc("2025-12-31T22:30:00Z")),
                 u"Dec 31 2025 23:30:00 CET"_s);
    }

    void namesTheZone_data()
    {
        QTest::addColumn<QByteArray>("machine");
        QTest::addColumn<TimeDisplay::Zone>("display");
        QTest::addColumn<QString>("full");
        QTest::addColumn<QString>("cell");
        QTest::newRow("Berlin, local") << "Europe/Berlin"_ba << TimeDisplay::Zone::Local
                                       << u"2026-01-15 11:00:00 CET"_s << u"Jan 15 11:00:00 CET"_s;
        QTest::newRow("Berlin summer, local")
            << "Europe/Berlin"_ba << TimeDisplay::Zone::Local << u"2026-07-15 12:00:00 CEST"_s
            << u"Jul 15 12:00:00 CEST"_s;
        QTest::newRow("Berlin, UTC")
            << "Europe/Berlin"_ba << TimeDisplay::Zone::Utc
            << u"2026-01-15 10:00:00 UTC (11:00:00 CET here)"_s << u"Jan 15 10:00:00 UTC"_s;
        QTest::newRow("UTC machine, UTC")
            << "UTC"_ba << TimeDisplay::Zone::Utc << u"2026-01-15 10:00:00 UTC"_s
            << u"Jan 15 10:00:00 UTC"_s;
        // Tonga's zone has no letters in the tz database: the offset names it.
        QTest::newRow("Tongatapu, local")
            << "Pacific/Tongatapu"_ba << TimeDisplay::Zone::Local << u"2026-01-15 23:00:00 +13:00"_s
            << u"Jan 15 23:00:00 +13:00"_s;
    }
    void namesTheZone()
    {
        QFETCH(QByteArray, machine);
        QFETCH(TimeDisplay::Zone, display);
        QFETCH(QString, full);
        QFETCH(QString, cell);
        setMachineZone(machine);
        QCOMPARE(QTimeZone::systemTimeZoneId(), machine);
        TimeDisplay::setZone(display);
        const QDateTime instant = QString::fromUtf8(QTest::currentDataTag()).contains(u"summer")
                                      ? utc("2026-07-15T10:00:00Z")
                                      : utc("2026-01-15T10:00:00Z");
        QCOMPARE(TimeDisplay::dateTime(instant), full);
        QCOMPARE(TimeDisplay::shortDateTime(instant), cell);
        QCOMPARE(TimeDisplay::dateTime({}), u"—"_s);
    }
};

QTEST_GUILESS_MAIN(tst_TimeDisplay)
#include "tst_timedisplay.moc"
