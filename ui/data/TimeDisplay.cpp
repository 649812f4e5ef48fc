#include "data/TimeDisplay.h"

#include <QCoreApplication>

#include "common/IsoTime.h"

#include <QTimeZone>

#include <atomic>
#include <limits>

namespace jc {

namespace {

std::atomic<TimeDisplay::Zone> displayZone{TimeDisplay::Zone::Local};
// ms since the epoch; INT64_MIN: none set.
std::atomic<qint64> referenceNow{std::numeric_limits<qint64>::min()};

QDateTime inDisplayZone(const QDateTime &instant)
{
    return displayZone.load() == TimeDisplay::Zone::Utc
               ? instant.toUTC()
               : instant.toTimeZone(QTimeZone::systemTimeZone());
}

// The zone of a reading: "UTC", its letters ("CET"), or its offset where it has none
// ("+13:00").
QString zoneText(const QDateTime &reading)
{
    if (reading.timeSpec() == Qt::UTC)
        return QStringLiteral("UTC");
    const QString letters = reading.timeZoneAbbreviation();
    return letters.startsWith(u'+') || letters.startsWith(u'-')
               ? IsoTime::offsetText(reading.offsetFromUtc())
               : letters;
}

} // namespace

void TimeDisplay::setZone(Zone zone)
{
    displayZone.store(zone);
}

TimeDisplay::Zone TimeDisplay::zone()
{
    return displayZone.load();
}

QString TimeDisplay::dateTime(const QDateTime &instant)
{
    if (!instant.isValid())
        return QStringLiteral("—");
    const QDateTime shown = inDisplayZone(instant);
    const QString text = shown.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (displayZone.load() == Zone::Utc) {
        // UTC on a machine whose clock reads otherwise: the local reading too, so that no one
        // has to work out the offset.
        const QDateTime local = instant.toTimeZone(QTimeZone::systemTimeZone());
        if (local.offsetFromUtc() == 0)
            return text + QStringLiteral(" UTC");
        return QCoreApplication::translate("TimeDisplay", "%1 UTC (%2 here)")
            .arg(text, local.toString(QStringLiteral("HH:mm:ss ")) + zoneText(local));
    }
    return text + u' ' + zoneText(shown);
}

QString TimeDisplay::shortDateTime(const QDateTime &instant)
{
    const qint64 reference = referenceNow.load();
    const bool otherYear =
        instant.isValid() && reference != std::numeric_limits<qint64>::min() &&
        inDisplayZone(instant).date().year() !=
            inDisplayZone(QDateTime::fromMSecsSinceEpoch(reference, Qt::UTC)).date().year();
    return formatted(
        instant,
        otherYear ? QStringLiteral("MMM d yyyy HH:mm:ss") : QStringLiteral("MMM d HH:mm:ss"), true);
}

void TimeDisplay::setReferenceNow(const QDateTime &now)
{
    referenceNow.store(now.isValid() ? now.toMSecsSinceEpoch()
                                     : std::numeric_limits<qint64>::min());
}

QString TimeDisplay::formatted(const QDateTime &instant, const QString &format, bool withZone)
{
    if (!instant.isValid())
        return QStringLiteral("—");
    const QDateTime shown = inDisplayZone(instant);
    const QString text = shown.toString(format);
    return withZone ? text + u' ' + zoneText(shown) : text;
}

QString TimeDisplay::duration(qint64 msecs)
{
    if (msecs < 0)
        return QStringLiteral("—");
    if (msecs < 60000)
        return QString::number(double(msecs) / 1000.0, 'f', 1) + QStringLiteral(" s");
    const qint64 seconds = msecs / 1000;
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 86400)
        return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(seconds / 86400).arg((seconds % 86400) / 3600);
}

QString TimeDisplay::relative(const QDateTime &instant, const QDateTime &now)
{
    if (!instant.isValid() || !now.isValid())
        return QStringLiteral("—");
    const qint64 delta = now.msecsTo(instant);
    if (delta > -1000 && delta < 1000)
        return QCoreApplication::translate("TimeDisplay", "now");
    const QString span = duration(delta < 0 ? -delta : delta);
    return delta > 0 ? QCoreApplication::translate("TimeDisplay", "in %1").arg(span)
                     : QCoreApplication::translate("TimeDisplay", "%1 ago").arg(span);
}

QString TimeDisplay::zoneName()
{
    return displayZone.load() == Zone::Utc ? QStringLiteral("UTC")
                                           : QString::fromUtf8(QTimeZone::systemTimeZoneId());
}

} // namespace jc
