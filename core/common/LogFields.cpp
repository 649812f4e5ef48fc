#include "common/LogFields.h"

#include <QDateTime>

#include <algorithm>

namespace jc {

namespace {

bool needsQuotes(const QString &text)
{
    if (text.isEmpty())
        return true;
    return std::ranges::any_of(
        text, [](QChar c) { return c.isSpace() || c == u'"' || c == u'=' || c == u'\\'; });
}

QString quoted(QString text)
{
    text.replace(u'\\', QLatin1String("\\\\"));
    text.replace(u'"', QLatin1String("\\\""));
    text.replace(u'\n', QLatin1String("\\n"));
    return u'"' + text + u'"';
}

} // namespace

QString LogFields::formatValue(const QVariant &value)
{
    if (value.metaType().id() == QMetaType::QDateTime)
        return value.toDateTime().toString(Qt::ISODateWithMs);
    const QString text = value.toString();
    return needsQuotes(text) ? quoted(text) : text;
}

QString LogFields::seconds(qint64 msecs)
{
    return QString::number(static_cast<double>(msecs) / 1000.0, 'f', msecs % 1000 ? 1 : 0) +
           QStringLiteral(" s");
}

QString LogFields::format(const QString &message, const QVariantMap &fields)
{
    QString line = message;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        line += u' ' + it.key() + u'=' + formatValue(it.value());
    return line;
}

} // namespace jc
