#pragma once

#include "schedule/Schedule.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace jc {

// The next occurrences of a schedule, each with its UTC offset in the schedule's zone and
// what daylight saving did to it (README.md, "Daylight saving"), for the preview dialog and
// its tests. No widgets: a pure computation on Schedule and QTimeZone.
class SchedulePreview
{
public:
    enum class DstEffect {
        None,
        OffsetChanged,  // the offset differs from the previous occurrence's (or from `from`)
        ShiftedByGap,   // its wall time did not exist (clocks forward): it runs at the gap's end
        RepeatedFirst,  // its wall time occurs twice (clocks back); this is the first
        RepeatedSecond, // ... and this the second (interval-like schedules fire at both)
    };

    struct Occurrence
    {
        QDateTime instant;     // in the schedule's zone
        int offsetSeconds = 0; // from UTC, at that instant in the schedule's zone
        DstEffect effect = DstEffect::None;
        QString note; // why it is marked, for people; empty when not
    };

    // Up to `count` occurrences strictly after `from`; fewer when the schedule ends.
    static QList<Occurrence> compute(const Schedule &schedule, const QDateTime &from,
                                     int count = 10);

private:
    static Occurrence describe(const Schedule &schedule, const QDateTime &instant,
                               int previousOffset);
    static QString gapNote(const Schedule &schedule, const QDateTime &instant);
    static DstEffect repeated(const QTimeZone &zone, const QDateTime &instant);
};

} // namespace jc
