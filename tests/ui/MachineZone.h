#pragma once

// Instants and the machine's zone for the console's time tests: an ISO text as a UTC instant,
// and the zone the process reads as local (TZ, read again at once).

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <ctime>

namespace jc::test {

inline QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

inline void setMachineZone(const QByteArray &zone)
{
    qputenv("TZ", zone);
    tzset();
}

} // namespace jc::test
