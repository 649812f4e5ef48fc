#pragma once

#include <QString>
#include <QVariantMap>

namespace jc {

// Formats a structured log line the way admins read it and grep it:
//   Executing job job="Monthly Credit Top-Up" runId=42
// Strings are quoted (with " and \ escaped) when they contain spaces, quotes or '=';
// date-times are ISO 8601 with their offset; keys keep the order of the map (sorted).
class LogFields
{
public:
    static QString format(const QString &message, const QVariantMap &fields);
    static QString formatValue(const QVariant &value);
    // A duration for log lines and error texts: "30 s", "0.4 s", "90.5 s".
    static QString seconds(qint64 msecs);
};

} // namespace jc
