#pragma once

#include "common/Expected.h"

#include <QString>
#include <QTimeZone>

namespace jc {

// A time zone typed by an admin (`--tz`, `jobctl set --tz`, the console's settings), checked
// against the zones that exist. QTimeZone alone is no check: on Linux it reads a name that is
// no zone file as a POSIX TZ rule, so "Auckland", "CEST" or "Mars" come out valid and mean UTC
// (a typo in a top-up's zone would run it on UTC months while `list` shows "(Auckland)").
//
// Known: an IANA id Qt lists (zone.tab), a file of the time zone database (so that
// "Etc/UTC", "GMT", "US/Eastern" or "CET", which zone.tab leaves out, are known too), and
// Qt's UTC offset ids ("UTC+05:30").
class ZoneName
{
public:
    // The zone of `name` (surrounding spaces ignored), or why it is not one, in words that say
    // what to type instead.
    static Expected<QTimeZone, QString> parse(const QString &name);
    static bool isKnown(const QString &name);
};

} // namespace jc
