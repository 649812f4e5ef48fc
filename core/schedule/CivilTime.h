#pragma once

#include <QtGlobal>

namespace jc {

// A proleptic Gregorian wall-clock time, to the second, without a zone. Schedules do their
// calendar arithmetic on "local seconds" (seconds since 1970-01-01 00:00 on the wall clock)
// and only meet a time zone when a wall time is turned into an instant; QDateTime would be
// far too slow for the search loop. The day arithmetic is Howard Hinnant's
// (http://howardhinnant.github.io/date_algorithms.html), exact for every representable day.
struct CivilTime
{
    qint64 year = 1970;
    int month = 1;  // 1-12
    int day = 1;    // 1-31
    int hour = 0;   // 0-23
    int minute = 0; // 0-59
    int second = 0; // 0-59

    static constexpr qint64 SecondsPerDay = 86400;

    static constexpr qint64 floorDiv(qint64 a, qint64 b)
    {
        const qint64 q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }

    static constexpr bool isLeapYear(qint64 y)
    {
        return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    }

    static constexpr int daysInMonth(qint64 y, int m)
    {
        // No table lookup: an out-of-range m (1..12 expected) gives 31, never a read past
        // the end of an array.
        if (m == 2)
            return isLeapYear(y) ? 29 : 28;
        return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
    }

    // Days since 1970-01-01 of y-m-d.
    static constexpr qint64 daysFromCivil(qint64 y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        const qint64 era = floorDiv(y, 400);
        const qint64 yoe = y - era * 400;                                   // [0, 399]
        const qint64 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; // [0, 365]
        const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
        return era * 146097 + doe - 719468;
    }

    // 0 = Sunday ... 6 = Saturday.
    static constexpr int weekdayFromDays(qint64 days)
    {
        return static_cast<int>(days - floorDiv(days + 4, 7) * 7 + 4);
    }

    static constexpr CivilTime fromLocalSeconds(qint64 localSeconds)
    {
        const qint64 days = floorDiv(localSeconds, SecondsPerDay);
        const int secondOfDay = static_cast<int>(localSeconds - days * SecondsPerDay);
        const qint64 z = days + 719468;
        const qint64 era = floorDiv(z, 146097);
        const qint64 doe = z - era * 146097;                                      // [0, 146096]
        const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
        const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               // [0, 365]
        const qint64 mp = (5 * doy + 2) / 153;                                    // [0, 11]
        CivilTime t;
        t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
        t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
        t.year = yoe + era * 400 + (t.month <= 2 ? 1 : 0);
        t.hour = secondOfDay / 3600;
        t.minute = secondOfDay / 60 % 60;
        t.second = secondOfDay % 60;
        return t;
    }

    [[nodiscard]] constexpr qint64 toLocalSeconds() const
    {
        return daysFromCivil(year, month, day) * SecondsPerDay + qint64{hour} * 3600 +
               qint64{minute} * 60 + second;
    }
};

} // namespace jc
