#include "common/IsoTime.h"

#include <QRegularExpression>
#include <QTimeZone>

#include <cstdio>
#include <cstdlib>

namespace jc {

QString IsoTime::offsetText(int offsetSeconds)
{
    const int magnitude = std::abs(offsetSeconds) / 60;
    const QString sign = offsetSeconds < 0 ? QStringLiteral("-") : QStringLiteral("+");
    return sign + QStringLiteral("%1:%2")
                      .arg(magnitude / 60, 2, 10, QLatin1Char('0'))
                      .arg(magnitude % 60, 2, 10, QLatin1Char('0'));
}

QString IsoTime::format(const QDateTime &instant, bool withMilliseconds)
{
    if (!instant.isValid())
        return {};
    const QString pattern = withMilliseconds ? QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")
                                             : QStringLiteral("yyyy-MM-ddTHH:mm:ss");
    return instant.toString(pattern) + offsetText(instant.offsetFromUtc());
}

QString IsoTime::format(const QDateTime &instant, const QTimeZone &zone)
{
    return format(instant.toTimeZone(zone));
}

QString IsoTime::format(qint64 msecsSinceEpoch, int offsetSeconds)
{
    if (msecsSinceEpoch < 0) {
        return format(
            QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::OffsetFromUTC, offsetSeconds));
    }
    const qint64 local = msecsSinceEpoch / 1000 + offsetSeconds;
    const qint64 days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    const qint64 secondOfDay = local - days * 86400;
    // Days to a civil date in the proleptic Gregorian calendar (H. Hinnant's days_from_civil,
    // inverted): eras of 400 years, each 146,097 days, counted from 0000-03-01.
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 dayOfEra = z - era * 146097;
    const qint64 yearOfEra =
        (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthFromMarch = (5 * dayOfYear + 2) / 153;
    const qint64 day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
    const qint64 month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
    const qint64 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

    char text[40];
    const int length = std::snprintf(
        text, sizeof text, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld",
        static_cast<long long>(year), static_cast<long long>(month), static_cast<long long>(day),
        static_cast<long long>(secondOfDay / 3600), static_cast<long long>(secondOfDay / 60 % 60),
        static_cast<long long>(secondOfDay % 60));
    return QString::fromLatin1(text, length) + offsetText(offsetSeconds);
}

std::optional<QDateTime> IsoTime::parseStrict(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$)"));
    if (!pattern.match(text).hasMatch())
        return std::nullopt;
    const QDateTime parsed = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!parsed.isValid())
        return std::nullopt;
    return parsed;
}

} // namespace jc
