#pragma once

#include "schedule/Schedule.h"
#include "schedule/SchedulePreview.h"

#include <QDateTime>
#include <QList>

#include <chrono>

namespace jc {

// What changing a job's schedule (or its zone) does, before it is saved: the next
// occurrences under the schedule in force and under the new one, side by side, each marked
// where daylight saving moves or repeats it (SchedulePreview), and the runs the change drops
// or adds within the coming `window` (a day): the ones an admin must not be surprised by.
// `jobctl set --schedule/--tz` prints it and wants `--yes` when a run is dropped or added
// within the day; the console's Settings shows it under the schedule fields.
class ScheduleChangePreview
{
public:
    QList<SchedulePreview::Occurrence> before; // up to `count`, strictly after `from`
    QList<SchedulePreview::Occurrence> after;
    QList<QDateTime> dropped; // runs of `before` within the window that `after` does not have
    QList<QDateTime> added;   // runs of `after` within the window that `before` does not have

    static constexpr int defaultCount = 10;
    // A schedule firing more often than this within the window is compared on its first
    // `maxWindowRuns` runs there (every second of a day is 86,400).
    static constexpr int maxWindowRuns = 100'000;

    static ScheduleChangePreview compute(const Schedule &before, const Schedule &after,
                                         const QDateTime &from, int count = defaultCount,
                                         std::chrono::hours window = std::chrono::hours(24));

    // Whether the change drops or adds a run within the window.
    [[nodiscard]] bool changesTheComingDay() const
    {
        return !dropped.isEmpty() || !added.isEmpty();
    }

    // Why a new schedule is refused: it has no occurrence after `from` ("0 0 30 2 *": there is
    // no February 30th), so the job would never run again, silently (a typo that stopped the
    // monthly top-up for good). Empty when it fires. To stop a job, one pauses it.
    static QString neverFiresProblem(const Schedule &after, const QDateTime &from);

    // For people, in lines (a terminal, or a fixed-width label): both schedules with their
    // zones, the occurrences side by side ("*" where daylight saving moves or repeats one,
    // with its note below), then what the change does within the next 24 h.
    [[nodiscard]] QString text(const Schedule &before, const Schedule &after) const;
};

} // namespace jc
