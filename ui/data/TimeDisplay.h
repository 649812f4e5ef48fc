#pragma once

#include <QDateTime>
#include <QString>

namespace jc {

// How the console shows instants and durations, in one place so every view agrees. Times are
// always shown with their zone: "2026-11-28 07:10:00 CET" in the local zone (the offset,
// "+13:00", where the zone has no letters), or "2026-11-28 06:10:00 UTC" — with the local
// reading, "(07:10:00 CET here)", when the machine's clock differs from UTC. The choice
// (settings dialog: local or UTC) is process-wide.
//
// Thread: GUI thread (setZone); the formatters are reentrant.
class TimeDisplay
{
public:
    enum class Zone { Local, Utc };

    static void setZone(Zone zone);
    static Zone zone();

    // The instant in the display zone, with its zone (above); "—" when invalid.
    static QString dateTime(const QDateTime &instant);
    // Shorter, for table cells: "Nov 28 07:10:00 CET"; the full form goes in the tooltip. An
    // instant of another year than the reference's has its year: "Dec 1 2025 01:00:00 CET"
    // (a year of history showed Jun 1 twice, a year apart, alike).
    static QString shortDateTime(const QDateTime &instant);
    // The instant whose year needs no saying (the console's now, set as it refreshes); none
    // set: years are never said.
    static void setReferenceNow(const QDateTime &now);
    // The instant in the display zone in `format` (QDateTime::toString's), then its zone
    // when `withZone`: ("MMM d HH:mm", true) gives "Nov 28 07:10 CET"; "—" when invalid.
    static QString formatted(const QDateTime &instant, const QString &format, bool withZone);
    // "1.4 s", "3 min 12 s", "2 h 5 min"; "—" when negative.
    static QString duration(qint64 msecs);
    // "in 4 min 10 s" / "12 min ago" relative to `now`.
    static QString relative(const QDateTime &instant, const QDateTime &now);
    // The display zone's name for headers: "UTC" or "Europe/Berlin".
    static QString zoneName();
};

} // namespace jc
