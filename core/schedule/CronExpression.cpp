#include "schedule/CronExpression.h"

#include "schedule/CivilTime.h"
#include "schedule/CronFieldParser.h"

#include <QStringList>

#include <bit>

namespace jc {

namespace {

using Item = CronExpression::Item;

quint64 valueBits(const std::vector<Item> &items)
{
    quint64 bits = 0;
    for (const Item &item : items) {
        if (item.last || item.nth != 0)
            continue;
        for (int v = item.from; v <= item.to; v += item.step)
            bits |= quint64(1) << v;
    }
    return bits;
}

// Bits 1..length.
constexpr quint32 monthDays(int length)
{
    return (~quint32(0) >> (31 - length)) & ~quint32(1);
}

// All bits from `bit` up; none when bit is past the end.
constexpr quint32 bitsFrom(int bit)
{
    return bit >= 32 ? 0 : ~quint32(0) << bit;
}

constexpr quint64 bitsFrom64(int bit)
{
    return bit >= 64 ? 0 : ~quint64(0) << bit;
}

} // namespace

Expected<CronExpression, ScheduleError> CronExpression::parse(const QString &text)
{
    const QStringList parts = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.size() != 5 && parts.size() != 6) {
        return Unexpected(
            ScheduleError{QStringLiteral("schedule"),
                          QStringLiteral("expected 5 or 6 fields, got %1").arg(parts.size())});
    }
    CronExpression cron;
    cron.m_hasSeconds = parts.size() == 6;
    if (!cron.m_hasSeconds) {
        Field &seconds = cron.m_fields[0];
        seconds.text = QStringLiteral("0");
        seconds.items.push_back(Item{});
    }
    const int firstId = cron.m_hasSeconds ? 0 : 1;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const auto id = static_cast<FieldId>(firstId + static_cast<int>(i));
        auto field = CronFieldParser::parse(id, parts[i]);
        if (!field)
            return Unexpected(field.error());
        cron.m_fields[static_cast<std::size_t>(id)] = std::move(field).value();
    }
    cron.buildBitSets();
    return cron;
}

void CronExpression::buildBitSets()
{
    m_seconds = valueBits(field(FieldId::Second).items);
    m_minutes = valueBits(field(FieldId::Minute).items);
    m_hours = static_cast<quint32>(valueBits(field(FieldId::Hour).items));
    m_daysOfMonth = static_cast<quint32>(valueBits(field(FieldId::DayOfMonth).items));
    m_months = static_cast<quint32>(valueBits(field(FieldId::Month).items));
    for (const Item &item : field(FieldId::DayOfMonth).items)
        m_lastDayOfMonth = m_lastDayOfMonth || item.last;

    const auto &weekdayItems = field(FieldId::DayOfWeek).items;
    quint64 weekdays = valueBits(weekdayItems);
    weekdays = (weekdays | weekdays >> 7) & 0x7f; // 7 is Sunday too
    for (int first = 0; first < 7; ++first) {
        quint32 days = 0;
        for (int day = 1; day <= 31; ++day) {
            if (weekdays >> ((first + day - 1) % 7) & 1)
                days |= quint32(1) << day;
        }
        for (const Item &item : weekdayItems) {
            if (item.nth == 0)
                continue;
            const int day = 1 + (item.from % 7 - first + 7) % 7 + 7 * (item.nth - 1);
            if (day <= 31)
                days |= quint32(1) << day;
        }
        m_weekdayDays[static_cast<std::size_t>(first)] = days;
    }
    m_daysAreAlternatives =
        !field(FieldId::DayOfMonth).startsWithStar() && !field(FieldId::DayOfWeek).startsWithStar();
}

bool CronExpression::isIntervalLike() const
{
    return field(FieldId::Minute).startsWithStar() || field(FieldId::Hour).startsWithStar() ||
           (m_hasSeconds && field(FieldId::Second).startsWithStar());
}

quint32 CronExpression::daysInMonthMatching(qint64 year, int month) const
{
    const int length = CivilTime::daysInMonth(year, month);
    const int firstWeekday = CivilTime::weekdayFromDays(CivilTime::daysFromCivil(year, month, 1));
    const quint32 byMonth = m_daysOfMonth | (m_lastDayOfMonth ? quint32(1) << length : 0);
    const quint32 byWeek = m_weekdayDays[static_cast<std::size_t>(firstWeekday)];
    const quint32 days = m_daysAreAlternatives ? (byMonth | byWeek) : (byMonth & byWeek);
    return days & monthDays(length);
}

// Field by field, from the month down to the second: when a field has no match left at or
// after the current value, the next larger unit advances and everything below restarts.
std::optional<qint64> CronExpression::nextMatch(qint64 from, qint64 limit) const
{
    if (from >= limit)
        return std::nullopt;
    const CivilTime start = CivilTime::fromLocalSeconds(from);
    qint64 year = start.year;
    int month = start.month;
    int day = start.day;
    int hour = start.hour;
    int minute = start.minute;
    int second = start.second;

    const auto nextMonth = [&] {
        const quint32 later = m_months & bitsFrom(month + 1);
        if (later != 0) {
            month = std::countr_zero(later);
        } else {
            ++year;
            month = std::countr_zero(m_months);
        }
        day = 1;
        hour = minute = second = 0;
        return CivilTime::daysFromCivil(year, month, 1) * CivilTime::SecondsPerDay < limit;
    };

    if ((m_months >> month & 1) == 0 && !nextMonth())
        return std::nullopt;
    for (;;) {
        const quint32 days = daysInMonthMatching(year, month) & bitsFrom(day);
        if (days == 0) {
            if (!nextMonth())
                return std::nullopt;
            continue;
        }
        if (const int found = std::countr_zero(days); found != day) {
            day = found;
            hour = minute = second = 0;
        }
        const quint32 hours = m_hours & bitsFrom(hour);
        if (hours == 0) {
            ++day;
            hour = minute = second = 0;
            continue;
        }
        if (const int found = std::countr_zero(hours); found != hour) {
            hour = found;
            minute = second = 0;
        }
        const quint64 minutes = m_minutes & bitsFrom64(minute);
        if (minutes == 0) {
            ++hour;
            minute = second = 0;
            continue; // hour 24 finds no hour bit and moves on to the next day
        }
        if (const int found = std::countr_zero(minutes); found != minute) {
            minute = found;
            second = 0;
        }
        const quint64 seconds = m_seconds & bitsFrom64(second);
        if (seconds == 0) {
            ++minute; // minute 60 finds no minute bit and moves on to the next hour
            second = 0;
            continue;
        }
        second = std::countr_zero(seconds);
        const qint64 result = CivilTime{year, month, day, hour, minute, second}.toLocalSeconds();
        return result < limit ? std::optional<qint64>(result) : std::nullopt;
    }
}

} // namespace jc
