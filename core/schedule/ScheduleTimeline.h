#pragma once

#include "schedule/Schedule.h"

#include <QList>

namespace jc {

// The schedules one job followed over time: each earlier one until the instant it was
// replaced, the current one after the last replacement. Its occurrences are those of the
// schedule in force at each moment: a replaced schedule owns its occurrences up to and
// including the instant it was replaced, its successor only those strictly after it, so that
// a change never makes an occurrence at or before its own instant due.
//
// What finds the occurrences missed while no instance ran (Scheduler::start), so that one
// started after a schedule change reaches the answer an instance running across it did.
// Value type; thread: any.
class ScheduleTimeline
{
public:
    struct Replaced
    {
        Schedule schedule;
        qint64 replacedAt = 0; // ms since the epoch
    };

    // `current` throughout.
    explicit ScheduleTimeline(Schedule current = {});
    // `earlier` in the order they were replaced; an instant earlier than its predecessor's
    // (clocks of different hosts) counts as that one's.
    ScheduleTimeline(QList<Replaced> earlier, Schedule current);

    // The first occurrence strictly after `after` of the schedule in force then, in ms since
    // the epoch; -1 when none comes.
    [[nodiscard]] qint64 nextMSecs(qint64 after) const;

    [[nodiscard]] const Schedule &current() const { return m_current; }
    [[nodiscard]] const QList<Replaced> &earlier() const { return m_earlier; }

private:
    QList<Replaced> m_earlier;
    Schedule m_current;
};

} // namespace jc
