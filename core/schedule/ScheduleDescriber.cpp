#include "schedule/ScheduleDescriber.h"

#include <algorithm>
#include <array>

namespace jc {

namespace {

using L1 = QLatin1String;

QString twoDigits(int value)
{
    return QStringLiteral("%1").arg(value, 2, 10, QLatin1Char('0'));
}

// "5 minutes" / "1 minute"
QString counted(int count, const QString &unit)
{
    return count == 1 ? unit : QStringLiteral("%1 %2s").arg(count).arg(unit);
}

bool isContiguous(const std::vector<int> &values)
{
    return !values.empty() && values.back() - values.front() + 1 == static_cast<int>(values.size());
}

} // namespace

QString ScheduleDescriber::describe(const CronExpression &cron)
{
    const ScheduleDescriber describer(cron);
    return describer.sentence();
}

ScheduleDescriber::ScheduleDescriber(const CronExpression &cron)
    : m_cron(cron)
{}

QString ScheduleDescriber::sentence() const
{
    const QString time = timePhrase();
    const bool allMonths = values(FieldId::Month).size() == 12;
    const bool everyDay = isPlainStar(FieldId::DayOfMonth) && isPlainStar(FieldId::DayOfWeek);
    QString result;
    if (everyDay) {
        result = hasExplicitTimes() ? time + L1(" every day") : time;
    } else if (isPlainStar(FieldId::DayOfWeek)) {
        // The months read as part of the day: "on day 1 of January".
        return time + QLatin1Char(' ') + dayOfMonthPhrase(true);
    } else {
        result = time + QLatin1Char(' ') + dayPhrase();
    }
    if (!allMonths)
        result += L1(" in ") + monthList();
    return result;
}

// --- time of day ---------------------------------------------------------------------------

bool ScheduleDescriber::hasExplicitTimes() const
{
    const std::size_t combinations = values(FieldId::Second).size() *
                                     values(FieldId::Minute).size() * values(FieldId::Hour).size();
    return isExplicit(FieldId::Second) && isExplicit(FieldId::Minute) &&
           isExplicit(FieldId::Hour) && combinations <= 6;
}

QString ScheduleDescriber::timePhrase() const
{
    if (hasExplicitTimes())
        return explicitTimes();
    QString minutesAndHours = minuteHourPhrase();
    if (!showsSeconds())
        return minutesAndHours;
    const int step = starStep(FieldId::Second);
    const auto seconds = values(FieldId::Second);
    const QString secondsPhrase =
        step > 0
            ? L1("every ") + counted(step, QStringLiteral("second"))
            : (seconds.size() == 1 ? L1("at second ") : L1("at seconds ")) + listPhrase(seconds);
    if (isPlainStar(FieldId::Minute) && isPlainStar(FieldId::Hour))
        return step > 0 ? secondsPhrase : secondsPhrase + L1(" of every minute");
    return secondsPhrase + L1(", ") + minutesAndHours;
}

QString ScheduleDescriber::explicitTimes() const
{
    QStringList times;
    for (const int hour : values(FieldId::Hour)) {
        for (const int minute : values(FieldId::Minute)) {
            for (const int second : values(FieldId::Second))
                times.append(clock(hour, minute, second));
        }
    }
    return L1("at ") + joinAnd(times, QStringLiteral("and"));
}

QString ScheduleDescriber::clock(int hour, int minute, int second) const
{
    const QString hhmm = twoDigits(hour) + QLatin1Char(':') + twoDigits(minute);
    return showsSeconds() ? hhmm + QLatin1Char(':') + twoDigits(second) : hhmm;
}

QString ScheduleDescriber::minuteHourPhrase() const
{
    const int minuteStep = starStep(FieldId::Minute);
    const int hourStep = starStep(FieldId::Hour);
    const auto minutes = values(FieldId::Minute);
    const auto hours = values(FieldId::Hour);
    const QString minuteList =
        (minutes.size() == 1 ? L1("minute ") : L1("minutes ")) + listPhrase(minutes);
    const QString everyMinutes = L1("every ") + counted(minuteStep, QStringLiteral("minute"));
    const bool onTheHour = minutes == std::vector<int>{0};

    if (hourStep > 0) {
        const QString everyHours = L1("every ") + counted(hourStep, QStringLiteral("hour"));
        if (minuteStep > 0)
            return hourStep == 1 ? everyMinutes : everyMinutes + L1(" of ") + everyHours;
        return onTheHour ? everyHours : everyHours + L1(" at ") + minuteList;
    }
    if (minuteStep == 0 && minutes.size() == 1) {
        if (isContiguous(hours) && hours.size() >= 3) {
            return L1("every hour from ") + clock(hours.front(), minutes.front(), 0) +
                   L1(" through ") + clock(hours.back(), minutes.front(), 0);
        }
        QStringList times;
        for (const int hour : hours)
            times.append(clock(hour, minutes.front(), 0));
        return L1("at ") + joinAnd(times, QStringLiteral("and"));
    }
    const QString head = minuteStep > 0 ? everyMinutes : L1("at ") + minuteList;
    if (isContiguous(hours)) {
        return head + L1(" from ") + twoDigits(hours.front()) + L1(":00 through ") +
               twoDigits(hours.back()) + L1(":59");
    }
    return head + L1(" during hours ") + listPhrase(hours);
}

// --- days and months -----------------------------------------------------------------------

QString ScheduleDescriber::dayPhrase() const
{
    const bool byMonthStar = field(FieldId::DayOfMonth).startsWithStar();
    const bool byWeekStar = field(FieldId::DayOfWeek).startsWithStar();
    if (!byMonthStar && !byWeekStar) // cron's rule: either day field may match
        return dayOfMonthPhrase(false) + L1(" or on ") + weekdayList(QStringLiteral("and"));
    if (isPlainStar(FieldId::DayOfMonth))
        return L1("on ") + weekdayList(QStringLiteral("and"));
    // One of them is "*/n": both must match.
    return dayOfMonthPhrase(false) + L1(" if it is ") + weekdayList(QStringLiteral("or"));
}

QString ScheduleDescriber::dayOfMonthPhrase(bool alone) const
{
    QStringList parts;
    bool hasLast = false;
    if (const int step = starStep(FieldId::DayOfMonth); step > 1) {
        parts.append(L1("every ") + ordinal(step) + L1(" day"));
    } else if (const auto days = values(FieldId::DayOfMonth); !days.empty()) {
        parts.append(L1("day ") + listPhrase(days));
    }
    for (const auto &item : field(FieldId::DayOfMonth).items) {
        hasLast = hasLast || item.last;
    }
    if (hasLast)
        parts.append(QStringLiteral("the last day"));
    QString suffix = QStringLiteral(" of the month");
    if (alone && values(FieldId::Month).size() != 12)
        suffix = L1(" of ") + monthList();
    else if (alone && !hasLast)
        suffix = QStringLiteral(" of every month");
    return L1("on ") + joinAnd(parts, QStringLiteral("and")) + suffix;
}

QString ScheduleDescriber::weekdayList(const QString &conjunction) const
{
    static const std::array<L1, 6> nth = {L1(""),      L1("first"),  L1("second"),
                                          L1("third"), L1("fourth"), L1("fifth")};
    QStringList parts;
    for (const auto &item : field(FieldId::DayOfWeek).items) {
        if (item.nth > 0) {
            parts.append(L1("the ") + nth[static_cast<std::size_t>(item.nth)] + QLatin1Char(' ') +
                         weekdayName(item.from) + L1(" of the month"));
        } else if (!item.star && item.step == 1 && item.to - item.from >= 6) {
            parts.append(QStringLiteral("any day of the week")); // "0-6", "1-7", "0-7"
        } else if (!item.star && item.step == 1 && item.to - item.from >= 2) {
            parts.append(weekdayName(item.from) + L1(" through ") + weekdayName(item.to));
        } else {
            for (int day = item.from; day <= item.to; day += item.step)
                parts.append(weekdayName(day));
        }
    }
    parts.removeDuplicates();
    return joinAnd(parts, conjunction);
}

QString ScheduleDescriber::monthList() const
{
    QStringList parts;
    for (const auto &item : field(FieldId::Month).items) {
        if (!item.star && item.step == 1 && item.to - item.from >= 2) {
            parts.append(monthName(item.from) + L1(" through ") + monthName(item.to));
        } else {
            for (int month = item.from; month <= item.to; month += item.step)
                parts.append(monthName(month));
        }
    }
    parts.removeDuplicates();
    return joinAnd(parts, QStringLiteral("and"));
}

// --- helpers -------------------------------------------------------------------------------

std::vector<int> ScheduleDescriber::values(FieldId id) const
{
    std::vector<int> result;
    for (const auto &item : field(id).items) {
        if (item.last || item.nth > 0)
            continue;
        for (int v = item.from; v <= item.to; v += item.step)
            result.push_back(id == FieldId::DayOfWeek ? v % 7 : v);
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
}

int ScheduleDescriber::starStep(FieldId id) const
{
    const auto &items = field(id).items;
    return items.size() == 1 && items.front().star ? items.front().step : 0;
}

bool ScheduleDescriber::isExplicit(FieldId id) const
{
    const auto &items = field(id).items;
    return std::none_of(items.begin(), items.end(), [](const auto &item) { return item.star; });
}

bool ScheduleDescriber::showsSeconds() const
{
    return m_cron.hasSeconds() && values(FieldId::Second) != std::vector<int>{0};
}

// {1, 2, 3, 5, 9, 10} -> "1 through 3, 5, 9 and 10"
QString ScheduleDescriber::listPhrase(const std::vector<int> &values)
{
    QStringList parts;
    for (std::size_t i = 0; i < values.size();) {
        std::size_t j = i;
        while (j + 1 < values.size() && values[j + 1] == values[j] + 1)
            ++j;
        if (j - i >= 2) {
            parts.append(QStringLiteral("%1 through %2").arg(values[i]).arg(values[j]));
        } else {
            for (std::size_t k = i; k <= j; ++k)
                parts.append(QString::number(values[k]));
        }
        i = j + 1;
    }
    return joinAnd(parts, QStringLiteral("and"));
}

QString ScheduleDescriber::joinAnd(const QStringList &parts, const QString &conjunction)
{
    if (parts.size() <= 1)
        return parts.value(0);
    return parts.mid(0, parts.size() - 1).join(L1(", ")) + QLatin1Char(' ') + conjunction +
           QLatin1Char(' ') + parts.last();
}

// 2 -> "2nd", 11 -> "11th", 23 -> "23rd"
QString ScheduleDescriber::ordinal(int n)
{
    const int lastTwo = n % 100;
    const int last = n % 10;
    L1 suffix("th");
    if (lastTwo < 11 || lastTwo > 13)
        suffix = last == 1 ? L1("st") : last == 2 ? L1("nd") : last == 3 ? L1("rd") : L1("th");
    return QString::number(n) + suffix;
}

QString ScheduleDescriber::weekdayName(int day)
{
    static const std::array<L1, 7> names = {L1("Sunday"),    L1("Monday"),   L1("Tuesday"),
                                            L1("Wednesday"), L1("Thursday"), L1("Friday"),
                                            L1("Saturday")};
    return names[static_cast<std::size_t>(day % 7)];
}

QString ScheduleDescriber::monthName(int month)
{
    static const std::array<L1, 12> names = {L1("January"), L1("February"), L1("March"),
                                             L1("April"),   L1("May"),      L1("June"),
                                             L1("July"),    L1("August"),   L1("September"),
                                             L1("October"), L1("November"), L1("December")};
    return names[static_cast<std::size_t>(month - 1)];
}

} // namespace jc
