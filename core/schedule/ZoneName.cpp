#include "schedule/ZoneName.h"

#include <QDir>
#include <QFile>
#include <QStringList>

#include <algorithm>

namespace jc {

namespace {

// Where glibc and Qt look for the time zone database ($TZDIR first).
QStringList zoneDirectories()
{
    QStringList directories;
    if (const QString tzdir = qEnvironmentVariable("TZDIR"); !tzdir.isEmpty())
        directories.append(tzdir);
    directories.append({QStringLiteral("/usr/share/zoneinfo"), QStringLiteral("/usr/lib/zoneinfo"),
                        QStringLiteral("/usr/share/lib/zoneinfo")});
    return directories;
}

// A relative path inside the database ("Europe/Berlin"): no "..", no absolute path, so that
// a name cannot point at any file that happens to be a zone file.
bool isPlainZonePath(const QString &name)
{
    if (name.isEmpty() || name.startsWith(u'/'))
        return false;
    const QStringList parts = name.split(u'/');
    return std::none_of(parts.cbegin(), parts.cend(), [](const QString &part) {
        return part.isEmpty() || part == QStringLiteral(".") || part == QStringLiteral("..");
    });
}

// A file of the database: it starts with the TZif magic.
bool isZoneFile(const QString &name)
{
    if (!isPlainZonePath(name))
        return false;
    for (const QString &directory : zoneDirectories()) {
        QFile file(QDir(directory).filePath(name));
        if (file.open(QIODevice::ReadOnly) && file.read(4) == QByteArrayLiteral("TZif"))
            return true;
    }
    return false;
}

} // namespace

bool ZoneName::isKnown(const QString &name)
{
    const QByteArray id = name.trimmed().toUtf8();
    return QTimeZone::isTimeZoneIdAvailable(id) || isZoneFile(QString::fromUtf8(id));
}

Expected<QTimeZone, QString> ZoneName::parse(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return Unexpected(QStringLiteral("no time zone given (use an IANA name such as "
                                         "Europe/Berlin, or UTC)"));
    const QTimeZone zone(trimmed.toUtf8());
    if (!zone.isValid() || !isKnown(trimmed))
        return Unexpected(QStringLiteral("unknown time zone \"%1\" (use an IANA name such as "
                                         "Europe/Berlin or Pacific/Auckland, or UTC; "
                                         "`timedatectl list-timezones` lists them)")
                              .arg(trimmed));
    return zone;
}

} // namespace jc
