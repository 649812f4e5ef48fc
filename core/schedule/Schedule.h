#pragma once

#include "common/Expected.h"
#include "schedule/ScheduleError.h"

#include <QDateTime>
#include <QString>
#include <QTimeZone>

#include <functional>
#include <memory>

namespace jc {

class Schedule;
using ScheduleParseResult = Expected<Schedule, ScheduleError>;

// When a job fires: an immutable value, cheap to copy, safe to share between threads.
//
// Texts accepted by parse():
//   daily, first-of-month                  local midnight; midnight on the 1st
//   5-field cron   "m h dom mon dow"        *, a, a-b, */n, a-b/n, lists, JAN-DEC, SUN-SAT,
//   6-field cron   "s m h dom mon dow"      0 and 7 = Sunday, L in day-of-month, d#n in dow
//   @yearly @annually @monthly @weekly @daily @midnight @hourly
//   @every <duration>                       90s, 15m, 6h, 1h30m, 2d; aligned to the Unix epoch
// A custom schedule wraps any callable (after, zone) -> next instant.
//
// Day rule (as cronie): a day field is unrestricted when its text begins with '*'. When both
// day fields are restricted a day matches if either matches; otherwise both must match.
//
// Daylight-saving contract (README.md repeats it):
//  1. Schedules match the local wall clock of their zone. next() is strictly after its
//     argument; successive instants strictly increase and each is produced once.
//  2. Interval-like: minute or hour text begins with '*' (or, with 6 fields, seconds does);
//     @hourly and @every. Everything else is fixed-time.
//  3. Gap, fixed-time: a matching wall time that does not exist fires once, at the first
//     instant after the gap (the transition). Several skipped times and a regular fire at
//     that instant make one fire.
//  4. Gap, interval-like: matching wall times that do not exist are skipped.
//  5. Overlap, fixed-time: a wall time occurring twice fires only at its earlier instant, even
//     when the argument lies between the two.
//  6. Overlap, interval-like: a wall time occurring twice fires at both, in time order.
//  @every ignores the wall clock: a fixed number of seconds since the epoch.
class Schedule
{
public:
    // Given an instant (any time spec) and the schedule's zone, returns the next fire instant
    // strictly after it, or an invalid QDateTime when there is none.
    using Calculator = std::function<QDateTime(const QDateTime &after, const QTimeZone &zone)>;

    enum class Kind { Invalid, Cron, Every, Custom };

    // An invalid schedule: next() returns an invalid QDateTime.
    Schedule();

    // Parses text in zone (default: the system zone). Never throws.
    static ScheduleParseResult parse(const QString &text,
                                     const QTimeZone &zone = QTimeZone::systemTimeZone());

    // A schedule computed by calculator. name is shown as its text ("every 6 hours");
    // description, when empty, becomes "custom: <name>".
    static Schedule custom(const QString &name, Calculator calculator,
                           const QTimeZone &zone = QTimeZone::systemTimeZone(),
                           const QString &description = {});

    // The same schedule in another zone.
    [[nodiscard]] Schedule withZone(const QTimeZone &zone) const;

    [[nodiscard]] bool isValid() const { return kind() != Kind::Invalid; }
    [[nodiscard]] Kind kind() const;
    [[nodiscard]] QString text() const; // as given to parse() (trimmed), or the custom name
    [[nodiscard]] QTimeZone zone() const;
    [[nodiscard]] bool
    isIntervalLike() const; // rule 2 above; custom schedules are never interval-like

    // The next fire instant strictly after `after`, expressed in the schedule's zone; invalid
    // when the schedule never fires again (e.g. "0 0 30 2 *"), or a custom calculator returned
    // an instant that is not strictly after `after`.
    [[nodiscard]] QDateTime next(const QDateTime &after) const;

    // The same in milliseconds since the epoch (UTC); -1 when there is none. The fast path
    // the scheduler uses.
    [[nodiscard]] qint64 nextMSecs(qint64 afterMSecsSinceEpoch) const;

    // Plain English: "at 00:00 on day 1 of every month", "every 15 minutes",
    // "at 02:30 on Monday through Friday", "every 1h30m (aligned to the Unix epoch)".
    [[nodiscard]] QString description() const;

    class Impl;

private:
    explicit Schedule(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> m_impl;
};

} // namespace jc
