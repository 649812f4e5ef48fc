// Schedules: parsing, next fire times (including every daylight-saving rule of Schedule.h),
// descriptions and custom calculators. Rows read as a specification: schedule, zone, the
// instant we ask after, the instant expected.

#include "schedule/Schedule.h"

#include <QTest>

#include <algorithm>
#include <functional>
#include <set>
#include <thread>
#include <vector>

using namespace jc;

namespace {

QTimeZone zoneNamed(const QByteArray &id)
{
    return id == "UTC" ? QTimeZone::utc() : QTimeZone(id);
}

QDateTime instant(const QString &iso)
{
    const QDateTime result = QDateTime::fromString(iso, Qt::ISODateWithMs);
    Q_ASSERT_X(result.isValid(), "instant", qPrintable(iso));
    return result;
}

// "2026-03-29T03:00:00+02:00" whatever the time spec; Qt prints UTC as "Z" or "+00:00"
// depending on how the QDateTime was made. Milliseconds only when there are some.
QString iso(const QDateTime &dateTime)
{
    if (!dateTime.isValid())
        return QStringLiteral("none");
    const int offset = dateTime.offsetFromUtc();
    const QDateTime wall = dateTime.toOffsetFromUtc(offset);
    QString text = wall.toString(wall.time().msec() != 0 ? u"yyyy-MM-dd'T'HH:mm:ss.zzz"
                                                         : u"yyyy-MM-dd'T'HH:mm:ss");
    const int minutes = std::abs(offset) / 60;
    text += QStringLiteral("%1%2:%3")
                .arg(QChar(offset < 0 ? u'-' : u'+'))
                .arg(minutes / 60, 2, 10, QLatin1Char('0'))
                .arg(minutes % 60, 2, 10, QLatin1Char('0'));
    return text;
}

Schedule parsed(const QString &text, const QTimeZone &zone)
{
    const ScheduleParseResult result = Schedule::parse(text, zone);
    if (!result)
        qWarning("%s: %s", qPrintable(text), qPrintable(result.error().message()));
    return result ? result.value() : Schedule();
}

// The seed's "every Monday at 3 AM", in the schedule's zone.
QDateTime mondayAt3(const QDateTime &after, const QTimeZone &zone)
{
    const QDateTime local = after.toTimeZone(zone);
    int days = (8 - local.date().dayOfWeek()) % 7;
    if (days == 0 && local.time() >= QTime(3, 0))
        days = 7;
    return QDateTime(local.date().addDays(days), QTime(3, 0), zone);
}

QDateTime everySixHours(const QDateTime &after, const QTimeZone &)
{
    return after.addSecs(6 * 3600);
}

const QStringList &sampleSchedules()
{
    static const QStringList samples = {
        QStringLiteral("daily"),          QStringLiteral("first-of-month"),
        QStringLiteral("*/30 * * * *"),   QStringLiteral("30 2 * * *"),
        QStringLiteral("30 1 * * *"),     QStringLiteral("0,15,30,45 2,3 * * *"),
        QStringLiteral("*/15 1-3 * * *"), QStringLiteral("0 9 L * *"),
        QStringLiteral("0 3 * * MON#2"),  QStringLiteral("0 0 1,15 * MON"),
        QStringLiteral("0 0 */2 * MON"),  QStringLiteral("15,45 */20 * * * *"),
        QStringLiteral("@hourly"),        QStringLiteral("@weekly"),
        QStringLiteral("@every 7m"),      QStringLiteral("@every 1h30m"),
    };
    return samples;
}

const QList<QByteArray> &sampleZones()
{
    static const QList<QByteArray> zones = {
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Pacific/Auckland",
        "America/Santiago",
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
    };
    return zones;
}

// The instants in the year from yearStart at which zone's offset changes, by asking Qt for the
// offset day by day and narrowing each change down to its second. Unlike
// QTimeZone::transitions() (which ends in 2037 in Qt 6.4) this follows the zone's rule in any
// year.
QList<QDateTime> transitionsIn(const QTimeZone &zone, const QDateTime &yearStart)
{
    const auto offset = [&zone](qint64 t) {
        return zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()));
    };
    QList<QDateTime> found;
    const qint64 start = yearStart.toSecsSinceEpoch();
    const qint64 end = yearStart.addYears(1).toSecsSinceEpoch();
    for (qint64 t = start; t < end; t += 86400) {
        if (offset(t) == offset(t + 86400))
            continue;
        qint64 low = t;
        qint64 high = t + 86400;
        while (high - low > 1) {
            const qint64 middle = low + (high - low) / 2;
            (offset(middle) == offset(low) ? low : high) = middle;
        }
        found.append(QDateTime::fromSecsSinceEpoch(high, QTimeZone::utc()));
    }
    return found;
}

} // namespace

class tst_Schedule : public QObject
{
    Q_OBJECT

private slots:
    void next_data();
    void next();
    void sequence_data();
    void sequence();
    void matchesReferenceAroundTransitions_data();
    void matchesReferenceAroundTransitions();
    void successiveInstantsIncrease_data();
    void successiveInstantsIncrease();
    void everyIsAlignedToTheEpoch();
    void kindAndIntervalLike_data();
    void kindAndIntervalLike();
    void parseErrors_data();
    void parseErrors();
    void invalidZoneIsRefused();
    void description_data();
    void description();
    void customCalculator();
    void customCalculatorThatDoesNotAdvance();
    void withZone();
    void invalidSchedule();
    void sharedBetweenThreads();
};

void tst_Schedule::next_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QString>("expected"); // "none" when the schedule never fires again

    const auto row = [](const char *name, const char *schedule, const char *zone, const char *after,
                        const char *expected) {
        QTest::newRow(name) << QString::fromUtf8(schedule) << QByteArray(zone)
                            << QString::fromUtf8(after) << QString::fromUtf8(expected);
    };

    // The seed's expectations.
    row("first-of-month from mid-month", "first-of-month", "UTC", "2024-08-15T10:30:00Z",
        "2024-09-01T00:00:00+00:00");
    row("first-of-month from later on the 1st", "first-of-month", "UTC", "2024-08-01T10:30:00Z",
        "2024-09-01T00:00:00+00:00");
    row("first-of-month over the year end", "first-of-month", "UTC", "2024-12-31T23:59:59Z",
        "2025-01-01T00:00:00+00:00");
    row("daily from the afternoon", "daily", "UTC", "2024-08-24T14:30:00Z",
        "2024-08-25T00:00:00+00:00");
    row("first-of-month from its own instant is the next month", "first-of-month", "UTC",
        "2024-08-01T00:00:00Z", "2024-09-01T00:00:00+00:00");
    row("first-of-month from half a second after its instant", "first-of-month", "UTC",
        "2024-08-01T00:00:00.500Z", "2024-09-01T00:00:00+00:00");
    row("daily from a millisecond before midnight", "daily", "UTC", "2024-08-24T23:59:59.999Z",
        "2024-08-25T00:00:00+00:00");
    row("an argument in another offset is the same instant", "daily", "UTC",
        "2024-08-25T01:30:00+02:00", "2024-08-25T00:00:00+00:00");

    // Month ends and leap days.
    row("day 31 skips a 30-day month", "0 0 31 * *", "UTC", "2026-04-15T00:00:00Z",
        "2026-05-31T00:00:00+00:00");
    row("day 31 skips February", "0 0 31 * *", "UTC", "2026-01-31T00:00:00Z",
        "2026-03-31T00:00:00+00:00");
    row("day 30 skips February", "0 0 30 * *", "UTC", "2026-02-01T00:00:00Z",
        "2026-03-30T00:00:00+00:00");
    row("February 29 waits for 2028", "0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z",
        "2028-02-29T00:00:00+00:00");
    row("February 29 skips 2100", "0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z",
        "2104-02-29T00:00:00+00:00");
    row("February 30 never comes", "0 0 30 2 *", "UTC", "2026-01-01T00:00:00Z", "none");
    row("day 31 of 30-day months never comes", "0 0 31 4,6,9,11 *", "Europe/Berlin",
        "2026-01-01T00:00:00Z", "none");
    row("L is Feb 28 in 2026", "0 9 L * *", "UTC", "2026-02-10T00:00:00Z",
        "2026-02-28T09:00:00+00:00");
    row("L is Feb 29 in 2028", "0 9 L * *", "UTC", "2028-02-10T00:00:00Z",
        "2028-02-29T09:00:00+00:00");
    row("L after April 30 is May 31", "0 9 L * *", "UTC", "2026-04-30T09:00:00Z",
        "2026-05-31T09:00:00+00:00");
    row("1,L is the last day", "0 0 1,L * *", "UTC", "2026-01-02T00:00:00Z",
        "2026-01-31T00:00:00+00:00");
    row("1,L then the 1st", "0 0 1,L * *", "UTC", "2026-01-31T00:00:00Z",
        "2026-02-01T00:00:00+00:00");

    // Weekdays, # and the day rule.
    row("MON#2 in March 2026 is the 9th", "0 3 * * MON#2", "UTC", "2026-03-01T00:00:00Z",
        "2026-03-09T03:00:00+00:00");
    row("1#2 is MON#2", "0 3 * * 1#2", "UTC", "2026-03-09T03:00:00Z", "2026-04-13T03:00:00+00:00");
    row("FRI#5 needs a month with five Fridays", "0 0 * * FRI#5", "UTC", "2026-01-31T00:00:00Z",
        "2026-05-29T00:00:00+00:00");
    row("both day fields restricted: either matches", "0 0 13 * FRI", "UTC", "2026-02-01T00:00:00Z",
        "2026-02-06T00:00:00+00:00");
    row("both day fields restricted: the 13th counts too", "0 0 13 * FRI", "UTC",
        "2026-02-06T00:00:00Z", "2026-02-13T00:00:00+00:00");
    row("*/2 day-of-month with a weekday: both must match", "0 0 */2 * MON", "UTC",
        "2026-02-01T00:00:00Z", "2026-02-09T00:00:00+00:00");
    row("*/2 day-of-week with a day: both must match", "0 0 1 * */2", "UTC", "2026-01-01T00:00:00Z",
        "2026-02-01T00:00:00+00:00");
    row("0 is Sunday", "0 0 * * 0", "UTC", "2026-02-02T00:00:00Z", "2026-02-08T00:00:00+00:00");
    row("7 is Sunday", "0 0 * * 7", "UTC", "2026-02-02T00:00:00Z", "2026-02-08T00:00:00+00:00");

    // Names in any case, ranges, steps, 6 fields.
    row("month and weekday names in any case", "0 12 * jan,Jul sun", "UTC", "2026-02-01T00:00:00Z",
        "2026-07-05T12:00:00+00:00");
    row("month name range", "0 0 1 feb-Apr *", "UTC", "2026-04-02T00:00:00Z",
        "2027-02-01T00:00:00+00:00");
    row("weekday name range", "0 0 * * mon-FRI", "UTC", "2026-02-07T00:00:00Z",
        "2026-02-09T00:00:00+00:00");
    row("FRI-SUN runs through Sunday", "0 0 * * FRI-SUN", "UTC", "2026-02-09T00:00:00Z",
        "2026-02-13T00:00:00+00:00");
    row("*/15 minutes", "*/15 * * * *", "UTC", "2026-01-01T10:07:00Z", "2026-01-01T10:15:00+00:00");
    row("a-b/n minutes", "10-40/15 * * * *", "UTC", "2026-01-01T10:41:00Z",
        "2026-01-01T11:10:00+00:00");
    row("a/n means a through the maximum", "5/20 * * * *", "UTC", "2026-01-01T10:26:00Z",
        "2026-01-01T10:45:00+00:00");
    row("lists of ranges and values", "0 1-2,22 * * *", "UTC", "2026-01-01T02:00:00Z",
        "2026-01-01T22:00:00+00:00");
    row("6 fields: seconds first", "30 0 0 * * *", "UTC", "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:30+00:00");
    row("6 fields: every 20 seconds", "*/20 * * * * *", "UTC", "2026-01-01T00:00:30Z",
        "2026-01-01T00:00:40+00:00");
    row("6 fields: seconds of every 5th minute", "15,45 */5 * * * *", "UTC", "2026-01-01T00:04:50Z",
        "2026-01-01T00:05:15+00:00");
    row("6 fields: a sub-second argument", "* * * * * *", "UTC", "2026-01-01T00:00:00.001Z",
        "2026-01-01T00:00:01+00:00");

    // Macros.
    row("@yearly", "@yearly", "UTC", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00+00:00");
    row("@annually", "@annually", "UTC", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00+00:00");
    row("@monthly", "@monthly", "UTC", "2026-03-05T00:00:00Z", "2026-04-01T00:00:00+00:00");
    row("@weekly is Sunday midnight", "@weekly", "UTC", "2026-02-02T00:00:00Z",
        "2026-02-08T00:00:00+00:00");
    row("@daily", "@daily", "UTC", "2026-02-02T10:00:00Z", "2026-02-03T00:00:00+00:00");
    row("@midnight", "@midnight", "UTC", "2026-02-02T10:00:00Z", "2026-02-03T00:00:00+00:00");
    row("@hourly", "@hourly", "UTC", "2026-02-02T10:00:00Z", "2026-02-02T11:00:00+00:00");
    row("macros in any case", "@DAILY", "UTC", "2026-02-02T10:00:00Z", "2026-02-03T00:00:00+00:00");
    row("aliases in any case", "Daily", "UTC", "2026-02-02T10:00:00Z", "2026-02-03T00:00:00+00:00");

    // @every: multiples of the duration since the epoch, whatever the zone.
    row("@every 90s", "@every 90s", "UTC", "2026-01-01T00:00:10Z", "2026-01-01T00:01:30+00:00");
    row("@every 1h30m", "@every 1h30m", "UTC", "2026-01-01T01:00:00Z", "2026-01-01T01:30:00+00:00");
    row("@every 2d from a multiple", "@every 2d", "UTC", "2026-01-01T00:00:00Z",
        "2026-01-03T00:00:00+00:00");
    row("@every 1h 30m", "@every 1h30m", "UTC", "2026-01-01T01:00:00Z",
        "2026-01-01T01:30:00+00:00");
    row("@every 1d12h", "@every 1d12h", "UTC", "1970-01-02T00:00:00Z", "1970-01-02T12:00:00+00:00");
    row("@every ignores daylight saving", "@every 6h", "Europe/Berlin", "2026-03-29T00:30:00Z",
        "2026-03-29T08:00:00+02:00");
    row("@every before the epoch", "@every 90s", "UTC", "1969-12-31T23:58:00Z",
        "1969-12-31T23:58:30+00:00");

    // Zones with 30- and 45-minute offsets.
    row("Kathmandu midnight already passed", "daily", "Asia/Kathmandu", "2026-01-01T00:00:00Z",
        "2026-01-02T00:00:00+05:45");
    row("Kathmandu 09:00", "0 9 * * *", "Asia/Kathmandu", "2026-01-01T03:00:00Z",
        "2026-01-01T09:00:00+05:45");
    row("Lord Howe: 02:30 is the first wall time after its 30-minute gap", "30 2 * * *",
        "Australia/Lord_Howe", "2026-10-03T12:00:00Z", "2026-10-04T02:30:00+11:00");
    row("Lord Howe: 02:15 is in the gap and fires at the transition", "15 2 * * *",
        "Australia/Lord_Howe", "2026-10-03T12:00:00Z", "2026-10-04T02:30:00+11:00");
    row("Lord Howe: interval-like skips 02:00 and 02:15", "*/15 2 * * *", "Australia/Lord_Howe",
        "2026-10-03T15:00:00Z", "2026-10-04T02:30:00+11:00");
    row("Lord Howe: fixed-time overlap, argument between the two", "45 1 * * *",
        "Australia/Lord_Howe", "2026-04-04T14:50:00Z", "2026-04-06T01:45:00+10:30");

    // Europe/Berlin: gap 2026-03-29 02:00-03:00, overlap 2026-10-25 02:00-03:00.
    row("Berlin gap: 02:30 fires at the transition", "30 2 * * *", "Europe/Berlin",
        "2026-03-28T12:00:00Z", "2026-03-29T03:00:00+02:00");
    row("Berlin gap: the day after is normal", "30 2 * * *", "Europe/Berlin",
        "2026-03-29T01:00:00Z", "2026-03-30T02:30:00+02:00");
    row("Berlin gap: 02:00 fires at the transition", "0 2 * * *", "Europe/Berlin",
        "2026-03-28T12:00:00Z", "2026-03-29T03:00:00+02:00");
    row("Berlin gap: 03:00 is a regular fire", "0 3 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z",
        "2026-03-29T03:00:00+02:00");
    row("Berlin gap: interval-like skips the missing hour", "*/30 * * * *", "Europe/Berlin",
        "2026-03-29T00:45:00Z", "2026-03-29T03:00:00+02:00");
    row("Berlin overlap: fixed-time fires at the earlier 02:30", "30 2 * * *", "Europe/Berlin",
        "2026-10-24T12:00:00Z", "2026-10-25T02:30:00+02:00");
    row("Berlin overlap: not again at the later 02:30", "30 2 * * *", "Europe/Berlin",
        "2026-10-25T00:45:00Z", "2026-10-26T02:30:00+01:00");
    row("Berlin overlap: interval-like fires at the later 02:00 too", "*/30 * * * *",
        "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-25T02:00:00+01:00");
    row("Berlin in 2040, beyond Qt's transition list", "30 2 * * *", "Europe/Berlin",
        "2040-03-24T12:00:00Z", "2040-03-25T03:00:00+02:00");

    // America/New_York: gap 2026-03-08 02:00-03:00, overlap 2026-11-01 01:00-02:00.
    row("New York gap: 02:30 fires at 03:00 EDT", "30 2 * * *", "America/New_York",
        "2026-03-07T12:00:00Z", "2026-03-08T03:00:00-04:00");
    row("New York gap: interval-like skips 02:00 and 02:30", "*/30 * * * *", "America/New_York",
        "2026-03-08T06:45:00Z", "2026-03-08T03:00:00-04:00");
    row("New York overlap: 01:30 EDT", "30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z",
        "2026-11-01T01:30:00-04:00");
    row("New York overlap: after between the two 01:30s", "30 1 * * *", "America/New_York",
        "2026-11-01T05:45:00Z", "2026-11-02T01:30:00-05:00");
    row("New York overlap: after at 01:00 EST", "30 1 * * *", "America/New_York",
        "2026-11-01T06:00:00Z", "2026-11-02T01:30:00-05:00");
    row("New York overlap: interval-like 01:30 EST", "*/30 * * * *", "America/New_York",
        "2026-11-01T06:00:00Z", "2026-11-01T01:30:00-05:00");

    // Pacific/Auckland: overlap 2026-04-05 02:00-03:00, gap 2026-09-27 02:00-03:00.
    row("Auckland overlap: earlier 02:30", "30 2 * * *", "Pacific/Auckland", "2026-04-04T12:00:00Z",
        "2026-04-05T02:30:00+13:00");
    row("Auckland overlap: not the later 02:30", "30 2 * * *", "Pacific/Auckland",
        "2026-04-04T13:30:00Z", "2026-04-06T02:30:00+12:00");
    row("Auckland gap: 02:30 fires at 03:00 NZDT", "30 2 * * *", "Pacific/Auckland",
        "2026-09-26T12:00:00Z", "2026-09-27T03:00:00+13:00");
    row("Auckland gap: @hourly skips 02:00", "@hourly", "Pacific/Auckland", "2026-09-26T13:30:00Z",
        "2026-09-27T03:00:00+13:00");

    // America/Santiago: midnight does not exist on 2026-09-06 (00:00 -04 -> 01:00 -03).
    row("Santiago: daily fires at the transition when midnight is missing", "daily",
        "America/Santiago", "2026-09-05T12:00:00Z", "2026-09-06T01:00:00-03:00");
    row("Santiago: and at midnight the day after", "daily", "America/Santiago",
        "2026-09-06T04:00:00Z", "2026-09-07T00:00:00-03:00");
    row("Santiago: midnight after the fall-back exists once", "daily", "America/Santiago",
        "2026-04-04T12:00:00Z", "2026-04-05T00:00:00-04:00");
    row("Santiago: 23:30 repeats, earlier one", "30 23 * * *", "America/Santiago",
        "2026-04-04T12:00:00Z", "2026-04-04T23:30:00-03:00");
    row("Santiago: 23:30 repeats, not the later one", "30 23 * * *", "America/Santiago",
        "2026-04-05T02:45:00Z", "2026-04-05T23:30:00-04:00");
    row("Santiago in 2038, where Qt's transition list has holes", "daily", "America/Santiago",
        "2038-09-04T12:00:00Z", "2038-09-05T01:00:00-03:00");
}

void tst_Schedule::next()
{
    QFETCH(QString, schedule);
    QFETCH(QByteArray, zone);
    QFETCH(QString, after);
    QFETCH(QString, expected);

    const auto result = Schedule::parse(schedule, zoneNamed(zone));
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message()));
    const QDateTime next = result->next(instant(after));
    QCOMPARE(iso(next), expected);
    if (next.isValid()) {
        QCOMPARE(next.timeZone(), zoneNamed(zone));
        QCOMPARE(result->nextMSecs(instant(after).toMSecsSinceEpoch()), next.toMSecsSinceEpoch());
    } else {
        QCOMPARE(result->nextMSecs(instant(after).toMSecsSinceEpoch()), qint64(-1));
    }
}

void tst_Schedule::sequence_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("Berlin: skipped times and a regular fire at the transition are one fire")
        << QStringLiteral("0,15,30,45 2,3 * * *") << QByteArray("Europe/Berlin")
        << QStringLiteral("2026-03-29T00:00:00Z")
        << QStringList{QStringLiteral("2026-03-29T03:00:00+02:00"),
                       QStringLiteral("2026-03-29T03:15:00+02:00"),
                       QStringLiteral("2026-03-29T03:30:00+02:00"),
                       QStringLiteral("2026-03-29T03:45:00+02:00"),
                       QStringLiteral("2026-03-30T02:00:00+02:00")};
    QTest::newRow("New York: interval-like fires twice in the overlap, in time order")
        << QStringLiteral("*/30 * * * *") << QByteArray("America/New_York")
        << QStringLiteral("2026-11-01T05:00:00Z")
        << QStringList{QStringLiteral("2026-11-01T01:30:00-04:00"),
                       QStringLiteral("2026-11-01T01:00:00-05:00"),
                       QStringLiteral("2026-11-01T01:30:00-05:00"),
                       QStringLiteral("2026-11-01T02:00:00-05:00")};
    QTest::newRow("New York: fixed-time fires once in the overlap")
        << QStringLiteral("30 1 * * *") << QByteArray("America/New_York")
        << QStringLiteral("2026-10-31T12:00:00Z")
        << QStringList{QStringLiteral("2026-11-01T01:30:00-04:00"),
                       QStringLiteral("2026-11-02T01:30:00-05:00")};
    QTest::newRow("Berlin: interval-like through the overlap")
        << QStringLiteral("*/30 * * * *") << QByteArray("Europe/Berlin")
        << QStringLiteral("2026-10-25T00:00:00Z")
        << QStringList{QStringLiteral("2026-10-25T02:30:00+02:00"),
                       QStringLiteral("2026-10-25T02:00:00+01:00"),
                       QStringLiteral("2026-10-25T02:30:00+01:00"),
                       QStringLiteral("2026-10-25T03:00:00+01:00")};
    QTest::newRow("Lord Howe: interval-like through its 30-minute overlap")
        << QStringLiteral("*/15 1 * * *") << QByteArray("Australia/Lord_Howe")
        << QStringLiteral("2026-04-04T14:00:00Z")
        << QStringList{QStringLiteral("2026-04-05T01:15:00+11:00"),
                       QStringLiteral("2026-04-05T01:30:00+11:00"),
                       QStringLiteral("2026-04-05T01:45:00+11:00"),
                       QStringLiteral("2026-04-05T01:30:00+10:30"),
                       QStringLiteral("2026-04-05T01:45:00+10:30"),
                       QStringLiteral("2026-04-06T01:00:00+10:30")};
    QTest::newRow("New York: gap, interval-like")
        << QStringLiteral("*/30 * * * *") << QByteArray("America/New_York")
        << QStringLiteral("2026-03-08T06:00:00Z")
        << QStringList{QStringLiteral("2026-03-08T01:30:00-05:00"),
                       QStringLiteral("2026-03-08T03:00:00-04:00"),
                       QStringLiteral("2026-03-08T03:30:00-04:00")};
}

void tst_Schedule::sequence()
{
    QFETCH(QString, schedule);
    QFETCH(QByteArray, zone);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);

    const Schedule s = parsed(schedule, zoneNamed(zone));
    QVERIFY(s.isValid());
    QStringList actual;
    QDateTime at = instant(after);
    for (qsizetype i = 0; i < expected.size(); ++i) {
        at = s.next(at);
        actual.append(iso(at));
    }
    QCOMPARE(actual, expected);
}

// An independent reading of the contract, minute by minute in UTC: a minute whose wall time
// matches fires (fixed-time: unless that wall time already occurred earlier), and a gap whose
// skipped wall times include a match fires at its transition (fixed-time only). Whether a wall
// time matches is asked of the same schedule in UTC, where there is no daylight saving.
void tst_Schedule::matchesReferenceAroundTransitions_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDateTime>("from");

    const QStringList schedules = {
        QStringLiteral("*/30 * * * *"),         QStringLiteral("30 2 * * *"),
        QStringLiteral("0,15,30,45 2,3 * * *"), QStringLiteral("daily"),
        QStringLiteral("30 1 * * *"),           QStringLiteral("15 2 * * *"),
        QStringLiteral("*/15 1-3 * * *"),       QStringLiteral("@hourly"),
        QStringLiteral("45 23 * * *"),          QStringLiteral("0 0,1,2,3 * * *"),
        QStringLiteral("20 */2 * * *"),         QStringLiteral("*/10 0-3,23 * * *"),
    };
    // 2026 from Qt's table of transitions; the far years from the zone's rule alone (past the
    // schedule's own table, which ends in 2600), found by scanning the offsets.
    for (const int year : {2026, 2601, 9999}) {
        const QDateTime yearStart(QDate(year, 1, 1), QTime(0, 0), QTimeZone::utc());
        for (const QByteArray &zoneId : sampleZones()) {
            QList<QDateTime> transitions = transitionsIn(zoneNamed(zoneId), yearStart);
            if (transitions.isEmpty()) // a zone without transitions: one ordinary window
                transitions.append(yearStart.addMonths(6));
            for (const QDateTime &transition : transitions) {
                for (const QString &schedule : schedules) {
                    QTest::addRow("%s around %s: %s", zoneId.constData(),
                                  qPrintable(transition.toString(Qt::ISODate)),
                                  qPrintable(schedule))
                        << schedule << zoneId << transition.addDays(-1);
                }
            }
        }
    }
}

void tst_Schedule::matchesReferenceAroundTransitions()
{
    QFETCH(QString, schedule);
    QFETCH(QByteArray, zone);
    QFETCH(QDateTime, from);

    const QTimeZone tz = zoneNamed(zone);
    const Schedule s = parsed(schedule, tz);
    const Schedule utc = s.withZone(QTimeZone::utc());
    const auto matches = [&utc](qint64 wallSeconds) {
        return utc.nextMSecs(wallSeconds * 1000 - 1) == wallSeconds * 1000;
    };
    const auto offset = [&tz](qint64 t) {
        return tz.offsetFromUtc(QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()));
    };

    const qint64 start = from.toSecsSinceEpoch();
    const qint64 end = start + 2 * 86400;
    std::set<qint64> reference;
    for (qint64 t = start + 60; t < end; t += 60) {
        const int o = offset(t);
        const int before = offset(t - 60);
        const qint64 wall = t + o;
        if (matches(wall)) {
            // The same wall time earlier, under the offset of three hours before?
            const int earlierOffset = offset(t - 3 * 3600);
            const qint64 earlier = wall - earlierOffset;
            const bool repeated =
                earlierOffset != o && earlier < t && offset(earlier) == earlierOffset;
            if (s.isIntervalLike() || !repeated)
                reference.insert(t);
        }
        if (o > before && !s.isIntervalLike()) { // a gap: wall times [t + before, t + o)
            for (qint64 skipped = t + before; skipped < wall; skipped += 60) {
                if (matches(skipped))
                    reference.insert(t);
            }
        }
    }

    QList<qint64> expected(reference.begin(), reference.end());
    QList<qint64> actual;
    for (qint64 t = s.nextMSecs(start * 1000 + 59'999); t >= 0 && t < end * 1000;
         t = s.nextMSecs(t))
        actual.append(t / 1000);
    QCOMPARE(actual, expected);
}

void tst_Schedule::successiveInstantsIncrease_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QByteArray>("zone");
    for (const QString &schedule : sampleSchedules()) {
        for (const QByteArray &zone : sampleZones()) {
            QTest::addRow("%s in %s", qPrintable(schedule), zone.constData()) << schedule << zone;
        }
    }
}

void tst_Schedule::successiveInstantsIncrease()
{
    QFETCH(QString, schedule);
    QFETCH(QByteArray, zone);

    const Schedule s = parsed(schedule, zoneNamed(zone));
    QVERIFY(s.isValid());
    // Start a little before the New Zealand autumn transition so that the minute-based
    // schedules cross at least one change of offset in some zones.
    QDateTime at = instant(QStringLiteral("2026-03-07T13:17:23.250Z"));
    for (int i = 0; i < 500; ++i) {
        const QDateTime next = s.next(at);
        QVERIFY2(next.isValid(), qPrintable(iso(at)));
        QVERIFY2(next > at, qPrintable(iso(at) + QLatin1String(" -> ") + iso(next)));
        QCOMPARE(s.nextMSecs(at.toMSecsSinceEpoch()), next.toMSecsSinceEpoch());
        at = next;
    }
}

void tst_Schedule::everyIsAlignedToTheEpoch()
{
    const Schedule s = parsed(QStringLiteral("@every 7m"), QTimeZone("Europe/Berlin"));
    const qint64 period = 7 * 60 * 1000;
    const QList<qint64> afters = {
        0, 1, 419'999, 420'000, -1, -420'001, 1'774'745'123'456, 1'792'871'999'999, -86'400'123};
    for (const qint64 after : afters) {
        const qint64 next = s.nextMSecs(after);
        QVERIFY2(next % period == 0, qPrintable(QString::number(after)));
        QVERIFY(next > after);
        QVERIFY(next - after <= period);
    }
}

void tst_Schedule::kindAndIntervalLike_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<Schedule::Kind>("kind");
    QTest::addColumn<bool>("intervalLike");
    QTest::addColumn<QString>("text");

    const auto row = [](const char *schedule, Schedule::Kind kind, bool intervalLike,
                        const char *text) {
        QTest::newRow(schedule) << QString::fromUtf8(schedule) << kind << intervalLike
                                << QString::fromUtf8(text);
    };
    row("daily", Schedule::Kind::Cron, false, "daily");
    row("  first-of-month  ", Schedule::Kind::Cron, false, "first-of-month");
    row("@daily", Schedule::Kind::Cron, false, "@daily");
    row("@weekly", Schedule::Kind::Cron, false, "@weekly");
    row("@yearly", Schedule::Kind::Cron, false, "@yearly");
    row("@hourly", Schedule::Kind::Cron, true, "@hourly");
    row("@every 5m", Schedule::Kind::Every, true, "@every 5m");
    row("*/5 * * * *", Schedule::Kind::Cron, true, "*/5 * * * *");
    row("0 * * * *", Schedule::Kind::Cron, true, "0 * * * *");
    row("0 */2 * * *", Schedule::Kind::Cron, true, "0 */2 * * *");
    row("0 0-23 * * *", Schedule::Kind::Cron, false, "0 0-23 * * *");
    row("30 2 * * *", Schedule::Kind::Cron, false, "30 2 * * *");
    row("*/10 0 0 * * *", Schedule::Kind::Cron, true, "*/10 0 0 * * *");
    row("0 0 0 * * *", Schedule::Kind::Cron, false, "0 0 0 * * *");
    row("0 * 0 * * *", Schedule::Kind::Cron, true, "0 * 0 * * *");
    row("0 0 */2 * *", Schedule::Kind::Cron, false, "0 0 */2 * *");
}

void tst_Schedule::kindAndIntervalLike()
{
    QFETCH(QString, schedule);
    QFETCH(Schedule::Kind, kind);
    QFETCH(bool, intervalLike);
    QFETCH(QString, text);

    const Schedule s = parsed(schedule, QTimeZone::utc());
    QCOMPARE(s.kind(), kind);
    QVERIFY(s.isValid());
    QCOMPARE(s.isIntervalLike(), intervalLike);
    QCOMPARE(s.text(), text);
}

void tst_Schedule::parseErrors_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *schedule, const char *message) {
        QTest::newRow(schedule) << QString::fromUtf8(schedule) << QString::fromUtf8(message);
    };
    row("", "schedule: empty");
    row("   ", "schedule: empty");
    row("* * * *", "schedule: expected 5 or 6 fields, got 4");
    row("* * * * * * *", "schedule: expected 5 or 6 fields, got 7");
    row("weekly", "schedule: expected 5 or 6 fields, got 1");
    row("@often", "schedule: unknown macro \"@often\"");
    row("@daily now", "schedule: @daily takes nothing after it");
    row("61 * * * *", "minute: 61 is out of range 0-59");
    row("0 x * * *", "hour: \"x\" is not a number");
    row("0 24 * * *", "hour: 24 is out of range 0-23");
    row("0 0 0 * *", "day-of-month: 0 is out of range 1-31");
    row("0 0 32 * *", "day-of-month: 32 is out of range 1-31");
    row("0 0 * 13 *", "month: 13 is out of range 1-12");
    row("0 0 * 12-3 *", "month: range 12-3 is reversed");
    row("0 0 * JANUARY *", "month: \"JANUARY\" is not a number or a month name (JAN-DEC)");
    row("0 0 * * 8", "day-of-week: 8 is out of range 0-7");
    row("0 0 * * */0", "day-of-week: step 0 must be at least 1");
    row("0 0 * * FOO", "day-of-week: \"FOO\" is not a number or a weekday name (SUN-SAT)");
    row("0 0 * * SAT-MON", "day-of-week: range SAT-MON is reversed");
    row("0 0 * * MON#6", "day-of-week: #6 is out of range 1-5");
    row("0 0 * * MON#0", "day-of-week: #0 is out of range 1-5");
    row("0 0 * * MON#x", "day-of-week: \"x\" after # is not a number");
    row("0 0 * * MON-FRI#2",
        "day-of-week: \"MON-FRI#2\": # needs a single weekday before it and a number after it, "
        "as in MON#2");
    row("0 0 * * L", "day-of-week: \"L\" is not a number or a weekday name (SUN-SAT)");
    row("0 0 L-2 * *",
        "day-of-month: L (the last day of the month) must stand alone, as in \"L\" or \"1,L\"; "
        "got \"L-2\"");
    row("0 0 LW * *",
        "day-of-month: L (the last day of the month) must stand alone, as in \"L\" or \"1,L\"; "
        "got \"LW\"");
    row("0 L * * *", "hour: \"L\" is not a number");
    row("0 0 1#2 * *", "day-of-month: \"1#2\" is not a number");
    row("1,,2 * * * *", "minute: empty item in the list \"1,,2\"");
    row("5, * * * *", "minute: empty item in the list \"5,\"");
    row("5- * * * *", "minute: range \"5-\" needs a start and an end");
    row("*/x * * * *", "minute: step \"x\" is not a number");
    row("*/ * * * *", "minute: step \"\" is not a number");
    row("1/2/3 * * * *", "minute: \"1/2/3\" has more than one step");
    row("*5 * * * *", "minute: \"*5\": write * alone or as */n");
    row("99999 * * * *", "minute: 99999 is out of range 0-59");
    row("60 * * * * *", "second: 60 is out of range 0-59");
    row("@every", "@every: missing duration, as in \"@every 15m\"");
    row("@every 1w", "@every: unknown unit \"w\" (use d, h, m, s)");
    row("@every 5min", "@every: unknown unit \"min\" (use d, h, m, s)");
    row("@every 0s", "@every: the duration must be at least 1s");
    row("@every 0h0m", "@every: the duration must be at least 1s");
    row("@every 90", "@every: 90 has no unit (use d, h, m, s)");
    row("@every h", "@every: \"h\" has no number before it");
    row("@every -5m", "@every: the duration must be positive");
    row("@every 30m1h",
        "@every: units must come in the order d, h, m, s, each at most once, as in 1h30m; got "
        "\"30m1h\"");
    row("@every 1h1h",
        "@every: units must come in the order d, h, m, s, each at most once, as in 1h30m; got "
        "\"1h1h\"");
    row("@every 99999999d", "@every: 99999999d is too long (at most 36500d)");
    // Found by the fuzzer: spaces inside a number used to be dropped, making this 51 years.
    row("@every 1615 000019s", "@every: 1615 has no unit (use d, h, m, s)");
    row("@every 1 5m", "@every: 1 has no unit (use d, h, m, s)");
}

void tst_Schedule::parseErrors()
{
    QFETCH(QString, schedule);
    QFETCH(QString, message);

    const auto result = Schedule::parse(schedule, QTimeZone::utc());
    QVERIFY(!result);
    QCOMPARE(result.error().message(), message);
}

void tst_Schedule::invalidZoneIsRefused()
{
    const auto result = Schedule::parse(QStringLiteral("daily"), QTimeZone("Mars/Olympus_Mons"));
    QVERIFY(!result);
    QCOMPARE(result.error().field, QStringLiteral("time zone"));
    QVERIFY(!result.error().reason.isEmpty());
}

void tst_Schedule::description_data()
{
    QTest::addColumn<QString>("schedule");
    QTest::addColumn<QString>("expected");

    const auto row = [](const char *schedule, const char *expected) {
        QTest::newRow(schedule) << QString::fromUtf8(schedule) << QString::fromUtf8(expected);
    };
    row("first-of-month", "at 00:00 on day 1 of every month");
    row("daily", "at 00:00 every day");
    row("*/15 * * * *", "every 15 minutes");
    row("30 2 * * 1-5", "at 02:30 on Monday through Friday");
    row("0 9 L * *", "at 09:00 on the last day of the month");
    row("0 3 * * MON#2", "at 03:00 on the second Monday of the month");
    row("0 0 1,15 * MON", "at 00:00 on day 1 and 15 of the month or on Monday");
    row("@every 1h30m", "every 1h30m (aligned to the Unix epoch)");
    row("@every 90S", "every 90s (aligned to the Unix epoch)");
    row("30 0 0 * * *", "at 00:00:30 every day");
    row("0 30 2 * * *", "at 02:30 every day");
    row("0 9 * 1,7 *", "at 09:00 every day in January and July");
    row("0 0 * 1,7 MON", "at 00:00 on Monday in January and July");
    row("0 12 1 1,7 *", "at 12:00 on day 1 of January and July");
    row("@yearly", "at 00:00 on day 1 of January");
    row("@weekly", "at 00:00 on Sunday");
    row("@hourly", "every hour");
    row("* * * * *", "every minute");
    row("*/5 * * * * *", "every 5 seconds");
    row("15 * * * *", "every hour at minute 15");
    row("0 */2 * * *", "every 2 hours");
    row("0 9,17 * * *", "at 09:00 and 17:00 every day");
    row("0 9-17 * * 1-5", "every hour from 09:00 through 17:00 on Monday through Friday");
    row("*/10 9-17 * * *", "every 10 minutes from 09:00 through 17:59");
    row("0 0 1,L * *", "at 00:00 on day 1 and the last day of the month");
    row("0 0 */2 * MON", "at 00:00 on every 2nd day of the month if it is Monday");
    row("0 0 1 * */2",
        "at 00:00 on day 1 of the month if it is Sunday, Tuesday, Thursday or Saturday");
    row("0 0 * 3-6 *", "at 00:00 every day in March through June");
    row("0 8 * * MON,FRI#2", "at 08:00 on Monday and the second Friday of the month");
    row("0 8 * * 1-7", "at 08:00 on any day of the week");
}

void tst_Schedule::description()
{
    QFETCH(QString, schedule);
    QFETCH(QString, expected);
    QCOMPARE(parsed(schedule, QTimeZone::utc()).description(), expected);

    // Whatever the schedule, a readable sentence.
    for (const QString &sample : sampleSchedules()) {
        const QString text = parsed(sample, QTimeZone::utc()).description();
        QVERIFY2(!text.isEmpty() && !text.contains(QLatin1String("  ")), qPrintable(text));
    }
}

void tst_Schedule::customCalculator()
{
    const Schedule monday =
        Schedule::custom(QStringLiteral("Monday 3 AM"), mondayAt3, QTimeZone("Europe/Berlin"));
    QVERIFY(monday.isValid());
    QCOMPARE(monday.kind(), Schedule::Kind::Custom);
    QCOMPARE(monday.text(), QStringLiteral("Monday 3 AM"));
    QCOMPARE(monday.description(), QStringLiteral("custom: Monday 3 AM"));
    QVERIFY(!monday.isIntervalLike());
    QCOMPARE(iso(monday.next(instant(QStringLiteral("2026-02-04T10:00:00Z")))),
             QStringLiteral("2026-02-09T03:00:00+01:00"));
    QCOMPARE(iso(monday.next(instant(QStringLiteral("2026-02-09T01:59:00Z")))),
             QStringLiteral("2026-02-09T03:00:00+01:00"));
    QCOMPARE(iso(monday.next(instant(QStringLiteral("2026-02-09T02:00:00Z")))),
             QStringLiteral("2026-02-16T03:00:00+01:00"));
    const qint64 after = instant(QStringLiteral("2026-02-04T10:00:00Z")).toMSecsSinceEpoch();
    QCOMPARE(monday.nextMSecs(after),
             instant(QStringLiteral("2026-02-09T02:00:00Z")).toMSecsSinceEpoch());

    const Schedule sixHours = Schedule::custom(QStringLiteral("every 6 hours"), everySixHours,
                                               QTimeZone::utc(), QStringLiteral("every 6 hours"));
    QCOMPARE(sixHours.description(), QStringLiteral("every 6 hours"));
    QCOMPARE(iso(sixHours.next(instant(QStringLiteral("2026-02-04T10:00:00Z")))),
             QStringLiteral("2026-02-04T16:00:00+00:00"));
}

void tst_Schedule::customCalculatorThatDoesNotAdvance()
{
    const QDateTime after = instant(QStringLiteral("2026-02-04T10:00:00Z"));
    const auto same = Schedule::custom(
        QStringLiteral("same"), [](const QDateTime &a, const QTimeZone &) { return a; },
        QTimeZone::utc());
    const auto earlier = Schedule::custom(
        QStringLiteral("earlier"),
        [](const QDateTime &a, const QTimeZone &) { return a.addSecs(-1); }, QTimeZone::utc());
    const auto never = Schedule::custom(
        QStringLiteral("never"), [](const QDateTime &, const QTimeZone &) { return QDateTime(); },
        QTimeZone::utc());
    for (const Schedule &s : {same, earlier, never}) {
        QVERIFY(!s.next(after).isValid());
        QCOMPARE(s.nextMSecs(after.toMSecsSinceEpoch()), qint64(-1));
    }
}

void tst_Schedule::withZone()
{
    const Schedule utc = parsed(QStringLiteral("daily"), QTimeZone::utc());
    const Schedule berlin = utc.withZone(QTimeZone("Europe/Berlin"));
    QCOMPARE(berlin.text(), QStringLiteral("daily"));
    QCOMPARE(berlin.zone(), QTimeZone("Europe/Berlin"));
    QCOMPARE(iso(berlin.next(instant(QStringLiteral("2026-07-01T12:00:00Z")))),
             QStringLiteral("2026-07-02T00:00:00+02:00"));
    QCOMPARE(iso(utc.next(instant(QStringLiteral("2026-07-01T12:00:00Z")))),
             QStringLiteral("2026-07-02T00:00:00+00:00"));
    QVERIFY(!utc.withZone(QTimeZone()).isValid());
}

void tst_Schedule::invalidSchedule()
{
    const Schedule s;
    QVERIFY(!s.isValid());
    QCOMPARE(s.kind(), Schedule::Kind::Invalid);
    QVERIFY(!s.next(QDateTime::currentDateTimeUtc()).isValid());
    QCOMPARE(s.nextMSecs(0), qint64(-1));
    QVERIFY(!s.description().isEmpty());
    QVERIFY(!parsed(QStringLiteral("daily"), QTimeZone::utc()).next(QDateTime()).isValid());
}

// One schedule used from several threads at once, in a zone no other test touches, so that
// the lazily built offset table is filled concurrently: every thread sees the same instants.
void tst_Schedule::sharedBetweenThreads()
{
    const Schedule s = parsed(QStringLiteral("*/30 1-3 * * *"), QTimeZone("America/Sao_Paulo"));
    const qint64 start = instant(QStringLiteral("1985-01-01T00:00:00Z")).toMSecsSinceEpoch();
    const auto walk = [&s, start] {
        std::vector<qint64> instants;
        for (qint64 at = start; instants.size() < 20000; at = s.nextMSecs(at))
            instants.push_back(at);
        return instants;
    };
    std::vector<std::vector<qint64>> results(4);
    std::vector<std::thread> threads;
    for (auto &result : results)
        threads.emplace_back([&result, &walk] { result = walk(); });
    for (auto &thread : threads)
        thread.join();
    const std::vector<qint64> expected = walk();
    for (const auto &result : results)
        QVERIFY(result == expected);
}

QTEST_GUILESS_MAIN(tst_Schedule)
#include "tst_schedule.moc"
