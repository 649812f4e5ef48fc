#include "jobs/JobOverrides.h"

#include "engine/MissedRunPolicy.h"
#include "engine/OverlapPolicy.h"
#include "jobs/AlertRules.h"
#include "schedule/ZoneName.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <chrono>

namespace jc {

namespace {

Expected<int, QString> integer(const QJsonObject &settings, const QString &key, int min, int max)
{
    const QJsonValue value = settings.value(key);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != double(int(number)) || number < min || number > max)
        return Unexpected(QStringLiteral("%1: %2 is not a whole number from %3 to %4")
                              .arg(key, value.isString() ? u'"' + value.toString() + u'"'
                                                         : QString::number(number))
                              .arg(min)
                              .arg(max));
    return int(number);
}

std::optional<QString> applyTiming(JobDefinition &job, const QJsonObject &settings)
{
    QTimeZone zone = job.schedule.zone();
    if (settings.contains(QStringLiteral("timeZone"))) {
        auto known = ZoneName::parse(settings.value(QStringLiteral("timeZone")).toString());
        if (!known)
            return QStringLiteral("timeZone: ") + known.error();
        zone = std::move(known).value();
    }
    const QString text = settings.contains(QStringLiteral("schedule"))
                             ? settings.value(QStringLiteral("schedule")).toString()
                             : job.schedule.text();
    if (job.schedule.kind() == Schedule::Kind::Custom &&
        !settings.contains(QStringLiteral("schedule")))
        job.schedule = job.schedule.withZone(zone);
    else {
        const auto parsed = Schedule::parse(text, zone);
        if (!parsed)
            return QStringLiteral("schedule: ") + parsed.error().message();
        job.schedule = parsed.value();
    }
    return std::nullopt;
}

std::optional<QString> applyPolicies(JobDefinition &job, const QJsonObject &settings)
{
    JobPolicies &policies = job.policies;
    if (settings.contains(QStringLiteral("overlap"))) {
        const QString text = settings.value(QStringLiteral("overlap")).toString();
        const auto overlap = overlapPolicyFromString(text);
        if (!overlap)
            return QStringLiteral("overlap: \"%1\" is not one of skip, queue, parallel").arg(text);
        policies.overlap = *overlap;
    }
    if (settings.contains(QStringLiteral("timeoutSeconds"))) {
        const auto seconds = integer(settings, QStringLiteral("timeoutSeconds"), 0, 604800);
        if (!seconds)
            return seconds.error();
        policies.timeout = std::chrono::seconds(seconds.value());
    }
    if (settings.contains(QStringLiteral("retryAttempts"))) {
        const auto attempts = integer(settings, QStringLiteral("retryAttempts"), 1, 20);
        if (!attempts)
            return attempts.error();
        policies.retry.attempts = attempts.value();
    }
    if (settings.contains(QStringLiteral("retryDelaySeconds"))) {
        const auto seconds = integer(settings, QStringLiteral("retryDelaySeconds"), 1, 86400);
        if (!seconds)
            return seconds.error();
        policies.retry.baseDelay = std::chrono::seconds(seconds.value());
    }
    if (settings.contains(QStringLiteral("missedRuns"))) {
        const QString text = settings.value(QStringLiteral("missedRuns")).toString();
        if (text != QLatin1String("catch-up") && text != QLatin1String("skip"))
            return QStringLiteral("missedRuns: \"%1\" is not one of catch-up, skip").arg(text);
        policies.missed.action = text == QLatin1String("skip") ? MissedRunPolicy::Action::Skip
                                                               : MissedRunPolicy::Action::CatchUp;
    }
    if (settings.contains(QStringLiteral("catchUpWindowHours"))) {
        const auto hours = integer(settings, QStringLiteral("catchUpWindowHours"), 0, 8784);
        if (!hours)
            return hours.error();
        policies.missed.catchUpWindow =
            hours.value() > 0
                ? std::optional(std::chrono::milliseconds(std::chrono::hours(hours.value())))
                : std::nullopt;
    }
    if (settings.contains(QStringLiteral("catchUpOnResume"))) {
        const QJsonValue value = settings.value(QStringLiteral("catchUpOnResume"));
        const QString word = value.toString().trimmed().toLower();
        if (value.isBool())
            policies.missed.catchUpOnResume = value.toBool();
        else if (word == u"yes" || word == u"true")
            policies.missed.catchUpOnResume = true;
        else if (word == u"no" || word == u"false")
            policies.missed.catchUpOnResume = false;
        else
            return QStringLiteral("catchUpOnResume: \"%1\" is not one of yes, no")
                .arg(value.toVariant().toString());
    }
    return std::nullopt;
}

QString valueText(const QJsonObject &settings, const QString &key, const QJsonObject &defaults)
{
    if (!settings.contains(key)) {
        if (!defaults.contains(key))
            return QStringLiteral("default");
        return QStringLiteral("%1 (default)").arg(valueText(defaults, key, {}));
    }
    const QJsonValue value = settings.value(key);
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isBool())
        return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    const QString text = value.toVariant().toString();
    return text.isEmpty() ? QStringLiteral("(empty)") : text;
}

} // namespace

QList<SettingSpec> JobOverrides::settingSpecs(const JobDefinition &builtIn)
{
    using Kind = SettingSpec::Kind;
    // Each value is checked by applying it alone to the built-in job: the dialog refuses
    // exactly what the scheduler would.
    const auto checkedBy = [builtIn](const QString &key) {
        return [builtIn, key](const QVariant &value) -> std::optional<QString> {
            QJsonObject one;
            one.insert(key,
                       value.typeId() == QMetaType::LongLong || value.typeId() == QMetaType::Int
                           ? QJsonValue(value.toLongLong())
                           : QJsonValue(value.toString()));
            const auto applied = apply(builtIn, one);
            if (applied)
                return std::nullopt;
            // "schedule: ..." names the key already; the dialog names the setting itself.
            const QString prefix = key + QStringLiteral(": ");
            return applied.error().startsWith(prefix) ? applied.error().mid(prefix.size())
                                                      : applied.error();
        };
    };
    const JobPolicies &policies = builtIn.policies;
    const auto text = [&](const QString &key, const QString &label, const QString &value,
                          const QString &help, const QStringList &choices = {}) {
        return SettingSpec{key,  label,          {},    Kind::Text, value,  0, 0,
                           help, checkedBy(key), false, {},         choices};
    };
    const auto integer = [&](const QString &key, const QString &label, qint64 value, qint64 min,
                             qint64 max, const QString &help) {
        return SettingSpec{key, label, {}, Kind::Integer, value, min, max, help, {}};
    };
    const qint64 windowHours =
        policies.missed.catchUpWindow
            ? std::chrono::duration_cast<std::chrono::hours>(*policies.missed.catchUpWindow).count()
            : 0;
    return QList<SettingSpec>{
               text(QStringLiteral("schedule"), QStringLiteral("Schedule"), builtIn.schedule.text(),
                    QStringLiteral("Cron (5 or 6 fields), @daily, @monthly, @every 90m, ...")),
               text(QStringLiteral("timeZone"), QStringLiteral("Time zone"),
                    QString::fromUtf8(builtIn.schedule.zone().id()),
                    QStringLiteral("IANA zone the schedule is read in, e.g. Europe/Berlin")),
               text(QStringLiteral("overlap"), QStringLiteral("Overlap"), toText(policies.overlap),
                    QStringLiteral("While a run is going: skip, queue or parallel"),
                    {toText(OverlapPolicy::Skip), toText(OverlapPolicy::Queue),
                     toText(OverlapPolicy::Parallel)}),
               integer(QStringLiteral("timeoutSeconds"), QStringLiteral("Timeout (s)"),
                       std::chrono::duration_cast<std::chrono::seconds>(policies.timeout).count(),
                       0, 604800,
                       QStringLiteral("A run longer than this is cancelled; 0 for none")),
               integer(QStringLiteral("retryAttempts"), QStringLiteral("Attempts"),
                       policies.retry.attempts, 1, 20,
                       QStringLiteral("Attempts in all, the first included; 1 = no retry")),
               integer(QStringLiteral("retryDelaySeconds"), QStringLiteral("Retry delay (s)"),
                       std::chrono::duration_cast<std::chrono::seconds>(policies.retry.baseDelay)
                           .count(),
                       1, 86400, QStringLiteral("Wait before the first retry; doubles each time")),
               text(QStringLiteral("missedRuns"), QStringLiteral("Missed runs"),
                    toText(policies.missed.action),
                    QStringLiteral("Occurrences missed while no instance ran: catch-up or skip"),
                    {toText(MissedRunPolicy::Action::CatchUp),
                     toText(MissedRunPolicy::Action::Skip)}),
               integer(QStringLiteral("catchUpWindowHours"), QStringLiteral("Catch-up window (h)"),
                       windowHours, 0, 8784,
                       QStringLiteral("How old a missed occurrence may be and still run; 0 = until "
                                      "the next one")),
               text(QStringLiteral("catchUpOnResume"), QStringLiteral("Catch up on resume"),
                    policies.missed.catchUpOnResume ? QStringLiteral("yes") : QStringLiteral("no"),
                    QStringLiteral("yes: resuming runs the latest occurrence missed while paused"),
                    {QStringLiteral("yes"), QStringLiteral("no")}),
           } +
           AlertRules::settingSpecs();
}

std::optional<std::chrono::milliseconds> JobOverrides::catchUpWindow(const QJsonObject &settings)
{
    if (!settings.contains(QStringLiteral("catchUpWindowHours")))
        return std::nullopt;
    const auto hours = integer(settings, QStringLiteral("catchUpWindowHours"), 0, 8784);
    if (!hours || hours.value() == 0)
        return std::nullopt;
    return std::chrono::hours(hours.value());
}

QString JobOverrides::describeChange(const QJsonObject &before, const QJsonObject &after,
                                     const QJsonObject &defaults)
{
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    keys.sort();
    QStringList parts;
    for (const QString &key : std::as_const(keys)) {
        if (before.contains(key) == after.contains(key) && before.value(key) == after.value(key))
            continue;
        parts.append(
            QStringLiteral("%1: %2 → %3")
                .arg(key, valueText(before, key, defaults), valueText(after, key, defaults)));
    }
    return parts.isEmpty() ? QStringLiteral("no change") : parts.join(QStringLiteral("; "));
}

QStringList JobOverrides::keys()
{
    return QStringList{QStringLiteral("schedule"),       QStringLiteral("timeZone"),
                       QStringLiteral("overlap"),        QStringLiteral("timeoutSeconds"),
                       QStringLiteral("retryAttempts"),  QStringLiteral("retryDelaySeconds"),
                       QStringLiteral("missedRuns"),     QStringLiteral("catchUpWindowHours"),
                       QStringLiteral("catchUpOnResume")} +
           AlertRules::keys();
}

Expected<JobDefinition, QString> JobOverrides::apply(JobDefinition job, const QJsonObject &settings,
                                                     const QStringList &jobKeys)
{
    const QStringList known = keys() + jobKeys;
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        if (!known.contains(it.key()))
            return Unexpected(QStringLiteral("unknown setting \"%1\" (settings: %2)")
                                  .arg(it.key(), known.join(QStringLiteral(", "))));
    }
    if (auto error = applyTiming(job, settings))
        return Unexpected(*error);
    if (auto error = applyPolicies(job, settings))
        return Unexpected(*error);
    if (const auto rules = AlertRules::from(settings); !rules) // the scheduler ignores them
        return Unexpected(rules.error());
    return job;
}

QString JobOverrides::describe(const QJsonObject &settings)
{
    if (settings.isEmpty())
        return QStringLiteral("(defaults)");
    QStringList parts;
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const QVariant value = it.value().toVariant();
        parts.append(it.key() + u'=' +
                     (it.value().isArray() ? value.toStringList().join(u',') : value.toString()));
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace jc
