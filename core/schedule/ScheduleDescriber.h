#pragma once

#include "schedule/CronExpression.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace jc {

// Plain English for a cron expression: "at 00:00 on day 1 of every month", "every 15 minutes",
// "at 02:30 on Monday through Friday", "at 03:00 on the second Monday of the month".
// Exotic combinations read a little stiffly but always say what the expression does.
class ScheduleDescriber
{
public:
    static QString describe(const CronExpression &cron);

private:
    using FieldId = CronExpression::FieldId;

    explicit ScheduleDescriber(const CronExpression &cron);

    [[nodiscard]] QString sentence() const;
    [[nodiscard]] bool hasExplicitTimes() const; // few enough times to list: "at 09:00 and 17:00"
    [[nodiscard]] QString timePhrase() const;
    [[nodiscard]] QString explicitTimes() const;
    [[nodiscard]] QString clock(int hour, int minute, int second) const;
    [[nodiscard]] QString minuteHourPhrase() const;
    [[nodiscard]] QString dayPhrase() const;
    [[nodiscard]] QString dayOfMonthPhrase(bool alone) const;
    [[nodiscard]] QString weekdayList(const QString &conjunction) const;
    [[nodiscard]] QString monthList() const;

    [[nodiscard]] const CronExpression::Field &field(FieldId id) const { return m_cron.field(id); }
    [[nodiscard]] std::vector<int> values(FieldId id) const;
    [[nodiscard]] bool isPlainStar(FieldId id) const
    {
        return field(id).text == QLatin1String("*");
    }
    [[nodiscard]] int starStep(FieldId id) const; // n of a lone "*/n", 1 for "*", 0 otherwise
    [[nodiscard]] bool isExplicit(FieldId id) const;
    [[nodiscard]] bool showsSeconds() const;

    static QString listPhrase(const std::vector<int> &values);
    static QString joinAnd(const QStringList &parts, const QString &conjunction);
    static QString ordinal(int n);
    static QString weekdayName(int day);
    static QString monthName(int month);

    const CronExpression &m_cron;
};

} // namespace jc
