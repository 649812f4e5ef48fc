#include "alerts/Alert.h"

#include <QJsonValue>

#include <array>
#include <utility>

namespace jc {

namespace {

constexpr std::array<std::pair<AlertKind, const char *>, 8> kindNames{{
    {AlertKind::Failed, "failed"},
    {AlertKind::TimedOut, "timed_out"},
    {AlertKind::Interrupted, "interrupted"},
    {AlertKind::Abandoned, "abandoned"},
    {AlertKind::Missed, "missed"},
    {AlertKind::Recovered, "recovered"},
    {AlertKind::NoSuccess, "no_success"},
    {AlertKind::Slow, "slow"},
}};

QString utcText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QString();
}

QString ordinal(int n)
{
    const int lastTwo = n % 100;
    const int last = n % 10;
    const char *suffix = (lastTwo >= 11 && lastTwo <= 13) ? "th"
                         : last == 1                      ? "st"
                         : last == 2                      ? "nd"
                         : last == 3                      ? "rd"
                                                          : "th";
    return QString::number(n) + QLatin1String(suffix);
}

QString what(const Alert &alert)
{
    switch (alert.kind) {
    case AlertKind::Failed:
        return QStringLiteral("failed");
    case AlertKind::TimedOut:
        return QStringLiteral("timed out");
    case AlertKind::Interrupted:
        return QStringLiteral("was interrupted");
    case AlertKind::Abandoned:
        return QStringLiteral("was abandoned");
    case AlertKind::Missed:
        return alert.count == 1 ? QStringLiteral("missed an occurrence")
                                : QStringLiteral("missed %1 occurrences").arg(alert.count);
    case AlertKind::NoSuccess:
        return QStringLiteral("has not succeeded for %1 h").arg(alert.count);
    case AlertKind::Slow:
        return QStringLiteral("has been running for %1 min").arg(alert.count);
    case AlertKind::Recovered:
        return alert.count == 1
                   ? QStringLiteral("succeeded again after a failed run")
                   : QStringLiteral("succeeded again after %1 failed runs").arg(alert.count);
    }
    return {};
}

} // namespace

QString toText(AlertKind kind)
{
    for (const auto &[value, name] : kindNames)
        if (value == kind)
            return QLatin1String(name);
    return {};
}

std::optional<AlertKind> alertKindFromString(const QString &text)
{
    for (const auto &[value, name] : kindNames)
        if (text == QLatin1String(name))
            return value;
    return std::nullopt;
}

QString Alert::eventKey() const
{
    switch (kind) {
    case AlertKind::Missed:
        return QStringLiteral("missed:%1:%2").arg(job).arg(occurrence.toMSecsSinceEpoch());
    case AlertKind::Recovered:
        return QStringLiteral("recovered:%1").arg(runId);
    case AlertKind::Slow:
        return QStringLiteral("slow:%1").arg(runId);
    case AlertKind::NoSuccess:
        return QStringLiteral("no-success:%1:%2")
            .arg(job)
            .arg(occurrence.isValid() ? occurrence.toMSecsSinceEpoch() : 0);
    default:
        return QStringLiteral("run:%1").arg(runId);
    }
}

QString Alert::event() const
{
    QString line = what(*this);
    const bool failure = kind == AlertKind::Failed || kind == AlertKind::TimedOut ||
                         kind == AlertKind::Interrupted || kind == AlertKind::Abandoned;
    if (failure && count > 1)
        line += QStringLiteral(" (%1 time in a row)").arg(ordinal(count));
    if (!message.isEmpty())
        line += QStringLiteral(": ") + message;
    return line;
}

QString Alert::text() const
{
    QString line = job + u' ' + event();
    QStringList where;
    if (runId > 0)
        where.append(QStringLiteral("run %1").arg(runId));
    if (occurrence.isValid())
        where.append((kind == AlertKind::NoSuccess ? QStringLiteral("last success ")
                                                   : QStringLiteral("occurrence ")) +
                     utcText(occurrence));
    if (!where.isEmpty())
        line += QStringLiteral(" — ") + where.join(QStringLiteral(", "));
    return line;
}

QJsonObject Alert::toJson() const
{
    return {
        {QStringLiteral("job"), job},
        {QStringLiteral("kind"), toText(kind)},
        {QStringLiteral("outcome"), outcome},
        {QStringLiteral("message"), message},
        {QStringLiteral("run_id"), runId > 0 ? QJsonValue(runId) : QJsonValue()},
        {QStringLiteral("occurrence"),
         occurrence.isValid() ? QJsonValue(utcText(occurrence)) : QJsonValue()},
        {QStringLiteral("instance"), instance},
        {QStringLiteral("at"), utcText(at)},
        {QStringLiteral("count"), count},
        {QStringLiteral("text"), text()},
    };
}

Alert Alert::fromJson(const QJsonObject &json)
{
    const auto time = [&json](const char *key) {
        return QDateTime::fromString(json.value(QLatin1String(key)).toString(), Qt::ISODate);
    };
    return {json.value(QLatin1String("job")).toString(),
            alertKindFromString(json.value(QLatin1String("kind")).toString())
                .value_or(AlertKind::Failed),
            json.value(QLatin1String("outcome")).toString(),
            json.value(QLatin1String("message")).toString(),
            json.value(QLatin1String("run_id")).toInteger(),
            time("occurrence"),
            json.value(QLatin1String("instance")).toString(),
            time("at"),
            json.value(QLatin1String("count")).toInt(1)};
}

} // namespace jc
