#pragma once

#include "schedule/Schedule.h"

#include <QDateTime>
#include <QList>

#include <optional>

namespace jc {

// A schedule's occurrences around an instant, looking backwards as well as forwards (a
// Schedule only knows "the next one after"). For backfills: "run the top-up as its occurrence
// of 1 December" must name an instant the schedule really fires at, and a typed instant that
// is not one is answered with its neighbours; the console offers the latest ones to pick from.
//
// Backwards search walks the schedule forward over windows ending at the instant, doubling
// from one minute to 40 years, so a per-second schedule costs a few dozen steps and a yearly
// one a few dozen windows. Thread-safe (a Schedule is an immutable value).
class OccurrenceFinder
{
public:
    struct Around
    {
        bool isOccurrence = false; // the instant itself is one
        QDateTime previous;        // the latest strictly before it (invalid: none found)
        QDateTime next;            // the earliest strictly after it (invalid: none)
    };

    static Around around(const Schedule &schedule, const QDateTime &instant);

    // Why `instant` cannot stand for an occurrence of `job`'s schedule, for a person: "…
    // is not an occurrence of "JOB" (first-of-month, Pacific/Auckland); the nearest are A
    // and B". Nothing when it is one.
    static std::optional<QString> notAnOccurrence(const Schedule &schedule,
                                                  const QDateTime &instant, const QString &job);

    // The latest occurrence strictly before `instant`; invalid when there is none within 40
    // years.
    static QDateTime previous(const Schedule &schedule, const QDateTime &instant);

    // Up to `count` occurrences at or before `until`, newest first.
    static QList<QDateTime> latest(const Schedule &schedule, const QDateTime &until, int count);
};

} // namespace jc
