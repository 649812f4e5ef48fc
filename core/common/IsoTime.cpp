#include "common/IsoTime.h"

#include <QRegularExpression>
#include <QTimeZone>

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
