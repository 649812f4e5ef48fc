#include "schedule/ScheduleChangePreview.h"

#include "common/IsoTime.h"

#include <QStringList>

#include <algorithm>

namespace jc {

namespace {

// The schedule's runs in (from, until], in order, at most ScheduleChangePreview::maxWindowRuns.
QList<qint64> runsWithin(const Schedule &schedule, const QDateTime &from, const QDateTime &until)
{
    QList<qint64> runs;
    for (QDateTime at = schedule.next(from);
         at.isValid() && at <= until && runs.size() < ScheduleChangePreview::maxWindowRuns;
         at = schedule.next(at))
        runs.append(at.toMSecsSinceEpoch());
    return runs;
}

// The instants of `of` that `in` lacks; both sorted.
QList<QDateTime> missingFrom(const QList<qint64> &of, const QList<qint64> &in)
{
    QList<QDateTime> missing;
    for (const qint64 at : of) {
        if (!std::binary_search(in.cbegin(), in.cend(), at))
            missing.append(QDateTime::fromMSecsSinceEpoch(at, Qt::UTC));
    }
    return missing;
}

// One occurrence for the side-by-side table: the instant with its offset, "*" when daylight
// saving moved or repeats it (its note is listed below the table).
QString cell(const QList<SchedulePreview::Occurrence> &occurrences, qsizetype i)
{
    if (i >= occurrences.size())
        return i == 0 ? QStringLiteral("never") : QString();
    const SchedulePreview::Occurrence &occurrence = occurrences.at(i);
    return IsoTime::format(occurrence.instant) +
           (occurrence.note.isEmpty() ? QStringLiteral("  ") : QStringLiteral(" *"));
}

// The first three, and "…" when there are more.
QString listed(const QList<QDateTime> &instants)
{
    QStringList shown;
    for (const QDateTime &instant : instants.mid(0, 3))
        shown.append(IsoTime::format(instant));
    if (instants.size() > 3)
        shown.append(QStringLiteral("…"));
    return shown.join(QStringLiteral(", "));
}

QString described(const Schedule &schedule)
{
    return QStringLiteral("%1 (%2)").arg(schedule.description(),
                                         QString::fromUtf8(schedule.zone().id()));
}

} // namespace

QString ScheduleChangePreview::text(const Schedule &beforeSchedule,
                                    const Schedule &afterSchedule) const
{
    QString out = QStringLiteral("Schedule: %1\n      -> %2\n")
                      .arg(described(beforeSchedule), described(afterSchedule));
    constexpr int width = 30;
    out += QStringLiteral("  %1after the change\n")
               .arg(QStringLiteral("next runs now").leftJustified(width));
    const auto rows = std::max<qsizetype>({before.size(), after.size(), 1});
    for (qsizetype i = 0; i < rows; ++i)
        out += QStringLiteral("  %1%2\n").arg(cell(before, i).leftJustified(width), cell(after, i));
    for (const auto *list : {&before, &after}) {
        for (const SchedulePreview::Occurrence &occurrence : *list) {
            if (!occurrence.note.isEmpty())
                out += QStringLiteral("  * %1: %2\n")
                           .arg(IsoTime::format(occurrence.instant), occurrence.note);
        }
    }
    if (!changesTheComingDay())
        return out + QStringLiteral("Within the next 24 h the runs stay the same.\n");
    QStringList parts;
    if (!added.isEmpty())
        parts.append(QStringLiteral("adds %1 run(s) (%2)").arg(added.size()).arg(listed(added)));
    if (!dropped.isEmpty())
        parts.append(
            QStringLiteral("drops %1 run(s) (%2)").arg(dropped.size()).arg(listed(dropped)));
    return out + QStringLiteral("Within the next 24 h this change %1.\n")
                     .arg(parts.join(QStringLiteral(" and ")));
}

ScheduleChangePreview ScheduleChangePreview::compute(const Schedule &before, const Schedule &after,
                                                     const QDateTime &from, int count,
                                                     std::chrono::hours window)
{
    ScheduleChangePreview preview;
    preview.before = SchedulePreview::compute(before, from, count);
    preview.after = SchedulePreview::compute(after, from, count);
    const QDateTime until = from.addSecs(std::chrono::seconds(window).count());
    const QList<qint64> oldRuns = runsWithin(before, from, until);
    const QList<qint64> newRuns = runsWithin(after, from, until);
    preview.dropped = missingFrom(oldRuns, newRuns);
    preview.added = missingFrom(newRuns, oldRuns);
    return preview;
}

QString ScheduleChangePreview::neverFiresProblem(const Schedule &after, const QDateTime &from)
{
    if (after.next(from).isValid())
        return {};
    return QStringLiteral("\"%1\" never fires (in %2): the job would never run again. To stop a "
                          "job for a while, pause it instead")
        .arg(after.text(), QString::fromUtf8(after.zone().id()));
}

} // namespace jc
