#include "views/TimeAxisTicks.h"

#include "data/TimeDisplay.h"

#include <QDateTime>
#include <QTimeZone>

#include <array>
#include <cmath>

namespace jc {

namespace {

constexpr qint64 Second = 1000;
constexpr qint64 Minute = 60 * Second;
constexpr qint64 Hour = 60 * Minute;
constexpr qint64 Day = 24 * Hour;

// A round step between two ticks: a fixed length that divides a day, or whole days, months
// or years of the calendar.
struct Step
{
    enum class Kind { Fixed, Days, HalfMonths, Months, Years };
    Kind kind;
    qint64 amount; // milliseconds (Fixed), else days, months or years (HalfMonths: 1)

    // About how long the step is, to choose one for a span.
    double approxMSecs() const
    {
        switch (kind) {
        case Kind::Fixed:
            return static_cast<double>(amount);
        case Kind::Days:
            return static_cast<double>(amount * Day);
        case Kind::HalfMonths:
            return 15.22 * Day;
        case Kind::Months:
            return static_cast<double>(amount) * 30.44 * Day;
        case Kind::Years:
            return static_cast<double>(amount) * 365.25 * Day;
        }
        return 0.0;
    }
};

using Kind = Step::Kind;

constexpr std::array Steps{
    Step{Kind::Fixed, Second},
    Step{Kind::Fixed, 2 * Second},
    Step{Kind::Fixed, 5 * Second},
    Step{Kind::Fixed, 10 * Second},
    Step{Kind::Fixed, 15 * Second},
    Step{Kind::Fixed, 30 * Second},
    Step{Kind::Fixed, Minute},
    Step{Kind::Fixed, 2 * Minute},
    Step{Kind::Fixed, 5 * Minute},
    Step{Kind::Fixed, 10 * Minute},
    Step{Kind::Fixed, 15 * Minute},
    Step{Kind::Fixed, 30 * Minute},
    Step{Kind::Fixed, Hour},
    Step{Kind::Fixed, 2 * Hour},
    Step{Kind::Fixed, 3 * Hour},
    Step{Kind::Fixed, 6 * Hour},
    Step{Kind::Fixed, 12 * Hour},
    Step{Kind::Days, 1},
    Step{Kind::Days, 2},
    Step{Kind::Days, 7},
    Step{Kind::HalfMonths, 1},
    Step{Kind::Months, 1},
    Step{Kind::Months, 2},
    Step{Kind::Months, 3},
    Step{Kind::Months, 6},
    Step{Kind::Years, 1},
    Step{Kind::Years, 2},
    Step{Kind::Years, 5},
    Step{Kind::Years, 10},
    Step{Kind::Years, 100},
};

// The smallest step that puts at most `most` ticks over the span.
Step stepFor(qint64 spanMSecs, int most)
{
    for (const Step &step : Steps) {
        if (static_cast<double>(spanMSecs) / step.approxMSecs() <= most)
            return step;
    }
    return Steps.back();
}

QTimeZone displayZone()
{
    return TimeDisplay::zone() == TimeDisplay::Zone::Utc ? QTimeZone::utc()
                                                         : QTimeZone::systemTimeZone();
}

// The first round instant of `step` at or after `from` (a reading in the display zone).
QDateTime firstRound(const QDateTime &from, const Step &step)
{
    const QTimeZone zone = from.timeZone();
    const QDate day = from.date();
    switch (step.kind) {
    case Kind::Fixed: {
        // Steps divide a day: round up on the zone's clock at `from`, by its offset there (a
        // wall time such as 02:00 on the night summer time ends comes twice; this is the first).
        const qint64 offset = qint64(from.offsetFromUtc()) * Second;
        const qint64 wall = from.toMSecsSinceEpoch() + offset;
        const qint64 rounded = wall >= 0 ? (wall + step.amount - 1) / step.amount * step.amount
                                         : wall / step.amount * step.amount;
        return QDateTime::fromMSecsSinceEpoch(rounded - offset, zone);
    }
    case Kind::Days: {
        const QDateTime midnight(day, QTime(0, 0), zone);
        return midnight < from ? QDateTime(day.addDays(1), QTime(0, 0), zone) : midnight;
    }
    case Kind::HalfMonths: {
        // The 1st and the 16th of each month.
        for (QDate date(day.year(), day.month(), 1);; date = date.addMonths(1)) {
            for (const int dayOfMonth : {1, 16}) {
                const QDateTime tick(QDate(date.year(), date.month(), dayOfMonth), QTime(0, 0),
                                     zone);
                if (tick >= from)
                    return tick;
            }
        }
    }
    case Kind::Months: {
        QDate first(day.year(), day.month(), 1);
        if (QDateTime(first, QTime(0, 0), zone) < from)
            first = first.addMonths(1);
        while ((first.month() - 1) % step.amount != 0)
            first = first.addMonths(1);
        return QDateTime(first, QTime(0, 0), zone);
    }
    case Kind::Years: {
        QDate first(day.year(), 1, 1);
        if (QDateTime(first, QTime(0, 0), zone) < from)
            first = first.addYears(1);
        while (first.year() % step.amount != 0)
            first = first.addYears(1);
        return QDateTime(first, QTime(0, 0), zone);
    }
    }
    return from;
}

// The tick after `tick`: fixed steps in elapsed time (across a change of offset the labels
// name it), calendar steps on the zone's calendar.
QDateTime nextRound(const QDateTime &tick, const Step &step)
{
    switch (step.kind) {
    case Kind::Fixed:
        return tick.addMSecs(step.amount);
    case Kind::Days:
        return QDateTime(tick.date().addDays(step.amount), QTime(0, 0), tick.timeZone());
    case Kind::HalfMonths: {
        const QDate date = tick.date();
        return QDateTime(date.day() < 16 ? QDate(date.year(), date.month(), 16)
                                         : QDate(date.year(), date.month(), 1).addMonths(1),
                         QTime(0, 0), tick.timeZone());
    }
    case Kind::Months:
        return QDateTime(tick.date().addMonths(int(step.amount)), QTime(0, 0), tick.timeZone());
    case Kind::Years:
        return QDateTime(tick.date().addYears(int(step.amount)), QTime(0, 0), tick.timeZone());
    }
    return tick;
}

QString labelFor(const QDateTime &tick, const Step &step, bool yearsDiffer)
{
    switch (step.kind) {
    case Kind::Fixed:
        return TimeDisplay::formatted(tick,
                                      step.amount < Minute ? QStringLiteral("MMM d HH:mm:ss")
                                                           : QStringLiteral("MMM d HH:mm"),
                                      true);
    case Kind::Days:
    case Kind::HalfMonths:
        return TimeDisplay::formatted(
            tick, yearsDiffer ? QStringLiteral("MMM d yyyy") : QStringLiteral("MMM d"), false);
    case Kind::Months:
        return TimeDisplay::formatted(tick, QStringLiteral("MMM yyyy"), false);
    case Kind::Years:
        return TimeDisplay::formatted(tick, QStringLiteral("yyyy"), false);
    }
    return {};
}

} // namespace

QList<TimeAxisTicks::Tick> TimeAxisTicks::between(qint64 firstMSecs, qint64 lastMSecs, int most)
{
    const qint64 span = lastMSecs - firstMSecs;
    if (span <= 0 || most < 1)
        return {};
    const Step step = stepFor(span, most);
    // Ticks this close to an end would put half their label beyond the chart.
    const qint64 margin = span / 25;
    const QTimeZone zone = displayZone();
    QList<QDateTime> instants;
    for (QDateTime tick =
             firstRound(QDateTime::fromMSecsSinceEpoch(firstMSecs + margin, zone), step);
         tick.isValid() && tick.toMSecsSinceEpoch() <= lastMSecs - margin;
         tick = nextRound(tick, step))
        instants.append(tick);
    const bool yearsDiffer = !instants.isEmpty() && instants.constFirst().date().year() !=
                                                        instants.constLast().date().year();
    QList<Tick> ticks;
    for (const QDateTime &instant : std::as_const(instants))
        ticks.append({instant.toMSecsSinceEpoch(), labelFor(instant, step, yearsDiffer)});
    return ticks;
}

} // namespace jc
