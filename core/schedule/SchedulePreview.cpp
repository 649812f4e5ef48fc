#include "schedule/SchedulePreview.h"

#include "common/IsoTime.h"

#include <QCoreApplication>
#include <QTimeZone>

namespace jc {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("jc::SchedulePreview", text);
}

QString wallTime(const QDateTime &instant)
{
    return instant.time().toString(QStringLiteral("HH:mm"));
}

// Wall-clock seconds: what a clock on the wall shows, as seconds since the epoch.
qint64 wallSeconds(const QDateTime &instant, int offsetSeconds)
{
    return instant.toSecsSinceEpoch() + offsetSeconds;
}

} // namespace

QList<SchedulePreview::Occurrence> SchedulePreview::compute(const Schedule &schedule,
                                                            const QDateTime &from, int count)
{
    QList<Occurrence> occurrences;
    const QTimeZone zone = schedule.zone();
    int previousOffset = zone.offsetFromUtc(from);
    QDateTime after = from;
    for (int i = 0; i < count; ++i) {
        const QDateTime next = schedule.next(after);
        if (!next.isValid())
            break;
        occurrences.append(describe(schedule, next, previousOffset));
        previousOffset = occurrences.last().offsetSeconds;
        after = next;
    }
    return occurrences;
}

SchedulePreview::Occurrence SchedulePreview::describe(const Schedule &schedule,
                                                      const QDateTime &instant, int previousOffset)
{
    const QTimeZone zone = schedule.zone();
    Occurrence occurrence;
    occurrence.instant = instant.toTimeZone(zone);
    occurrence.offsetSeconds = zone.offsetFromUtc(instant);
    const QString offset = IsoTime::offsetText(occurrence.offsetSeconds);
    // @every ignores the wall clock; only the offset change is worth saying for it.
    const bool followsWallClock = schedule.kind() != Schedule::Kind::Every;
    if (followsWallClock) {
        if (const QString note = gapNote(schedule, instant); !note.isEmpty()) {
            occurrence.effect = DstEffect::ShiftedByGap;
            occurrence.note = note;
            return occurrence;
        }
        occurrence.effect = repeated(zone, instant);
        const QString time = wallTime(occurrence.instant);
        if (occurrence.effect == DstEffect::RepeatedFirst) {
            occurrence.note =
                schedule.isIntervalLike()
                    ? tr("%1 occurs twice on this day (clocks go back): this is the first, "
                         "at %2")
                          .arg(time, offset)
                    : tr("%1 occurs twice on this day (clocks go back): runs once, at the "
                         "first (%2)")
                          .arg(time, offset);
            return occurrence;
        }
        if (occurrence.effect == DstEffect::RepeatedSecond) {
            occurrence.note =
                tr("%1 occurs twice on this day (clocks go back): this is the second, at %2")
                    .arg(time, offset);
            return occurrence;
        }
    }
    if (occurrence.offsetSeconds != previousOffset) {
        occurrence.effect = DstEffect::OffsetChanged;
        occurrence.note = tr("The clocks changed since the previous run: UTC offset %1 (was %2)")
                              .arg(offset, IsoTime::offsetText(previousOffset));
    }
    return occurrence;
}

// A fixed-time schedule whose wall time falls in a gap fires once at the gap's end (rule 3).
// To name the time that did not exist, ask the same schedule in a zone that keeps the old
// offset: there the gap's wall times exist, and its first match inside the gap is the one.
QString SchedulePreview::gapNote(const Schedule &schedule, const QDateTime &instant)
{
    if (schedule.kind() != Schedule::Kind::Cron || schedule.isIntervalLike())
        return {};
    const QTimeZone zone = schedule.zone();
    const QDateTime justBefore = instant.addMSecs(-1);
    const QTimeZone::OffsetData transition = zone.nextTransition(justBefore);
    if (!transition.atUtc.isValid() ||
        transition.atUtc.toMSecsSinceEpoch() != instant.toMSecsSinceEpoch())
        return {};
    const int before = zone.offsetFromUtc(justBefore);
    const int after = transition.offsetFromUtc;
    if (after <= before)
        return {};
    const QTimeZone oldOffset(before);
    const QDateTime nominal = schedule.withZone(oldOffset).next(justBefore);
    if (!nominal.isValid() || nominal >= instant.addSecs(after - before))
        return {};
    return tr("%1 does not exist on this day: runs at %2 (clocks go forward)")
        .arg(wallTime(nominal.toTimeZone(oldOffset)), wallTime(instant.toTimeZone(zone)));
}

// Clocks going back from offset B to A at T repeat the wall times [T+A, T+B).
SchedulePreview::DstEffect SchedulePreview::repeated(const QTimeZone &zone,
                                                     const QDateTime &instant)
{
    const int offset = zone.offsetFromUtc(instant);
    const qint64 wall = wallSeconds(instant, offset);
    const QTimeZone::OffsetData candidates[] = {zone.previousTransition(instant.addMSecs(1)),
                                                zone.nextTransition(instant)};
    for (const QTimeZone::OffsetData &transition : candidates) {
        if (!transition.atUtc.isValid())
            continue;
        const int after = transition.offsetFromUtc;
        const int before = zone.offsetFromUtc(transition.atUtc.addMSecs(-1));
        if (after >= before)
            continue;
        const qint64 start = transition.atUtc.toSecsSinceEpoch();
        if (wall >= start + after && wall < start + before)
            return instant < transition.atUtc ? DstEffect::RepeatedFirst
                                              : DstEffect::RepeatedSecond;
    }
    return DstEffect::None;
}

} // namespace jc
