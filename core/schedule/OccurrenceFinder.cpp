#include "schedule/OccurrenceFinder.h"

#include "common/IsoTime.h"

#include <QStringList>

namespace jc {

namespace {

constexpr qint64 firstWindowMSecs = qint64(60) * 1000;
constexpr qint64 lastWindowMSecs = qint64(40) * 366 * 24 * 3600 * 1000;

// The latest occurrence in [from, before), or -1.
qint64 latestIn(const Schedule &schedule, qint64 from, qint64 before)
{
    qint64 latest = -1;
    for (qint64 at = schedule.nextMSecs(from - 1); at >= 0 && at < before;
         at = schedule.nextMSecs(at))
        latest = at;
    return latest;
}

} // namespace

QDateTime OccurrenceFinder::previous(const Schedule &schedule, const QDateTime &instant)
{
    const qint64 before = instant.toMSecsSinceEpoch();
    // Each window starts where the last one did, minus as much again: the walk never covers
    // more than twice the distance to the answer.
    qint64 end = before;
    for (qint64 window = firstWindowMSecs; window <= lastWindowMSecs; window *= 2) {
        const qint64 from = before - window;
        if (const qint64 found = latestIn(schedule, from, end); found >= 0)
            return QDateTime::fromMSecsSinceEpoch(found, schedule.zone());
        end = from;
    }
    return {};
}

OccurrenceFinder::Around OccurrenceFinder::around(const Schedule &schedule,
                                                  const QDateTime &instant)
{
    const qint64 at = instant.toMSecsSinceEpoch();
    Around result;
    result.isOccurrence = schedule.nextMSecs(at - 1) == at;
    result.previous = previous(schedule, instant);
    result.next = schedule.next(instant);
    return result;
}

std::optional<QString> OccurrenceFinder::notAnOccurrence(const Schedule &schedule,
                                                         const QDateTime &instant,
                                                         const QString &job)
{
    const Around found = around(schedule, instant);
    if (found.isOccurrence)
        return std::nullopt;
    QStringList nearest;
    for (const QDateTime &at : {found.previous, found.next}) {
        if (at.isValid())
            nearest.append(IsoTime::format(at, schedule.zone()));
    }
    return QStringLiteral("%1 is not an occurrence of \"%2\" (%3, %4); the nearest are %5")
        .arg(IsoTime::format(instant, schedule.zone()), job, schedule.text(),
             QString::fromUtf8(schedule.zone().id()),
             nearest.isEmpty() ? QStringLiteral("none") : nearest.join(QStringLiteral(" and ")));
}

QList<QDateTime> OccurrenceFinder::latest(const Schedule &schedule, const QDateTime &until,
                                          int count)
{
    QList<QDateTime> found;
    QDateTime before = until.addMSecs(1);
    while (found.size() < count) {
        const QDateTime occurrence = previous(schedule, before);
        if (!occurrence.isValid())
            break;
        found.append(occurrence);
        before = occurrence;
    }
    return found;
}

} // namespace jc
