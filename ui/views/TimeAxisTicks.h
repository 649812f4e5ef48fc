#pragma once

#include <QList>
#include <QString>

namespace jc {

// Where a chart's time axis puts its ticks over a span, and how it writes them: at round
// instants of the display zone (every 30 s, 15 min, 6 h, midnight, the 1st of a month, ...),
// at most `most` of them, none at the span's very ends (where a label would be cut), each
// written as the tables write times (TimeDisplay: the display zone, named when the time of day
// shows): "Oct 1 00:00:30 UTC", "Oct 1 06:00 CEST", "Oct 1", "Oct 1 2026" when the ticks
// span two years, "Oct 2026", "2026".
//
// Thread: any (reads the process-wide display zone).
class TimeAxisTicks
{
public:
    struct Tick
    {
        qint64 msecs = 0; // since the epoch
        QString label;
        bool operator==(const Tick &) const = default;
    };

    // The ticks within (firstMSecs, lastMSecs), left to right; none for an empty span.
    static QList<Tick> between(qint64 firstMSecs, qint64 lastMSecs, int most = 6);
};

} // namespace jc
