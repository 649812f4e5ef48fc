#pragma once

#include "common/Expected.h"
#include "schedule/CronExpression.h"
#include "schedule/ScheduleError.h"

#include <QString>

namespace jc {

// Parses the text of one cron field into its items, or says what is wrong with it in words
// the person who typed it can act on ("61 is out of range 0-59", "range 12-3 is reversed").
class CronFieldParser
{
public:
    using FieldResult = Expected<CronExpression::Field, ScheduleError>;

    static FieldResult parse(CronExpression::FieldId id, const QString &text);

    // The field's name in messages: "second", "minute", ..., "day-of-week".
    static QString fieldName(CronExpression::FieldId id);

private:
    struct Spec;
    using ItemResult = Expected<CronExpression::Item, ScheduleError>;
    using ValueResult = Expected<int, ScheduleError>;

    explicit CronFieldParser(CronExpression::FieldId id);
    static const Spec &specFor(CronExpression::FieldId id);

    [[nodiscard]] ItemResult parseItem(const QString &text) const;
    [[nodiscard]] ItemResult parseBase(const QString &base, int step, bool hasStep) const;
    [[nodiscard]] ItemResult parseNth(const QString &text) const;
    [[nodiscard]] ValueResult parseValue(const QString &text) const;
    [[nodiscard]] ValueResult parseStep(const QString &text) const;
    [[nodiscard]] ScheduleError error(const QString &reason) const;

    CronExpression::FieldId m_id;
    const Spec &m_spec;
};

} // namespace jc
