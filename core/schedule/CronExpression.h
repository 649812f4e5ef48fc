#pragma once

#include "common/Expected.h"
#include "schedule/ScheduleError.h"

#include <QString>
#include <QtGlobal>

#include <array>
#include <optional>
#include <vector>

namespace jc {

// A parsed 5- or 6-field cron expression: which wall-clock times match, nothing about zones.
// Immutable once parsed; every field is a bit set so that finding the next matching wall time
// jumps from field to field instead of stepping minute by minute.
class CronExpression
{
public:
    enum class FieldId { Second, Minute, Hour, DayOfMonth, Month, DayOfWeek };
    static constexpr int FieldCount = 6;

    // One comma-separated item of a field, as written: "5", "1-5", "*/15", "10-40/5", "L",
    // "MON#2". Weekday 7 is kept as written (7) here; the bit sets map it to Sunday.
    struct Item
    {
        int from = 0;
        int to = 0;
        int step = 1;
        bool star = false; // "*" or "*/n"
        bool last = false; // "L" in day-of-month
        int nth = 0;       // n of "d#n" in day-of-week, 0 otherwise
    };

    struct Field
    {
        QString text; // as written; "0" for the seconds of a 5-field expression
        std::vector<Item> items;
        [[nodiscard]] bool startsWithStar() const { return text.startsWith(QLatin1Char('*')); }
    };

    // text: 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first),
    // separated by white space. Macros and aliases are the caller's business.
    static Expected<CronExpression, ScheduleError> parse(const QString &text);

    [[nodiscard]] const Field &field(FieldId id) const
    {
        return m_fields[static_cast<std::size_t>(id)];
    }
    [[nodiscard]] bool hasSeconds() const { return m_hasSeconds; }

    // Minute or hour text begins with '*', or with 6 fields the seconds text does.
    [[nodiscard]] bool isIntervalLike() const;

    // The first matching wall time (local seconds, see CivilTime) in [from, limit), if any.
    [[nodiscard]] std::optional<qint64> nextMatch(qint64 from, qint64 limit) const;

private:
    [[nodiscard]] quint32 daysInMonthMatching(qint64 year, int month) const;
    void buildBitSets();

    std::array<Field, FieldCount> m_fields;
    bool m_hasSeconds = false;

    quint64 m_seconds = 0;     // bit s
    quint64 m_minutes = 0;     // bit m
    quint32 m_hours = 0;       // bit h
    quint32 m_daysOfMonth = 0; // bit d, 1-31
    bool m_lastDayOfMonth = false;
    quint32 m_months = 0; // bit m, 1-12
    // Days 1-31 matched by the day-of-week field (names and d#n), by weekday of the 1st.
    std::array<quint32, 7> m_weekdayDays{};
    bool m_daysAreAlternatives = false; // both day fields restricted: either may match
};

} // namespace jc
