#pragma once

#include <QString>

namespace jc {

// Why a schedule text was refused: the field it is about ("minute", "day-of-week", "@every",
// "schedule", "time zone") and the reason, worded for the person who typed it.
struct ScheduleError
{
    QString field;
    QString reason;

    // "minute: 61 is out of range 0-59"
    [[nodiscard]] QString message() const
    {
        return field.isEmpty() ? reason : field + QLatin1String(": ") + reason;
    }
    bool operator==(const ScheduleError &) const = default;
};

} // namespace jc
