#include "jobs/AlertRules.h"

#include <QJsonArray>

namespace jc {

namespace {

const QString onFailureKey = QStringLiteral("alertOnFailure");
const QString afterFailuresKey = QStringLiteral("alertAfterFailures");
const QString onMissedKey = QStringLiteral("alertOnMissed");
const QString webhooksKey = QStringLiteral("alertWebhooks");
const QString noSuccessKey = QStringLiteral("alertNoSuccessHours");
const QString slowKey = QStringLiteral("alertSlowFactor");

Expected<bool, QString> yesNo(const QJsonObject &settings, const QString &key, bool byDefault)
{
    if (!settings.contains(key))
        return byDefault;
    const QJsonValue value = settings.value(key);
    if (value.isBool())
        return value.toBool();
    const QString word = value.toString().trimmed().toLower();
    if (word == u"yes" || word == u"true")
        return true;
    if (word == u"no" || word == u"false")
        return false;
    return Unexpected(
        QStringLiteral("%1: \"%2\" is not one of yes, no").arg(key, value.toVariant().toString()));
}

Expected<int, QString> wholeNumber(const QJsonObject &settings, const QString &key, int min,
                                   int max, int byDefault)
{
    if (!settings.contains(key))
        return byDefault;
    const QJsonValue value = settings.value(key);
    bool ok = value.isDouble();
    const double number = value.isString() ? value.toString().toDouble(&ok) : value.toDouble();
    if (!ok || number != double(int(number)) || number < min || number > max)
        return Unexpected(QStringLiteral("%1: %2 is not a whole number from %3 to %4")
                              .arg(key, value.toVariant().toString())
                              .arg(min)
                              .arg(max));
    return int(number);
}

// Stored as a JSON array (SettingValues' List) or, typed by hand, as one comma-separated text.
QStringList listOf(const QJsonValue &value)
{
    QStringList items;
    if (value.isArray()) {
        for (const auto &item : value.toArray())
            items.append(item.toString().trimmed());
    } else {
        items = value.toString().split(u',');
    }
    QStringList kept;
    for (const QString &item : std::as_const(items))
        if (!item.trimmed().isEmpty())
            kept.append(item.trimmed());
    return kept;
}

} // namespace

QStringList AlertRules::keys()
{
    return {onFailureKey, afterFailuresKey, onMissedKey, noSuccessKey, slowKey, webhooksKey};
}

Expected<QUrl, QString> AlertRules::webhookUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
        url.host().isEmpty())
        return Unexpected(QStringLiteral("\"%1\" is not an http:// or https:// URL with a host "
                                         "(e.g. https://hooks.example.org/jobs)")
                              .arg(text));
    return url;
}

Expected<AlertRules, QString> AlertRules::from(const QJsonObject &settings)
{
    AlertRules rules;
    const auto onFailure = yesNo(settings, onFailureKey, rules.onFailure);
    if (!onFailure)
        return Unexpected(onFailure.error());
    rules.onFailure = onFailure.value();
    const auto onMissed = yesNo(settings, onMissedKey, rules.onMissed);
    if (!onMissed)
        return Unexpected(onMissed.error());
    rules.onMissed = onMissed.value();
    const auto afterFailures = wholeNumber(settings, afterFailuresKey, 1, 100, rules.afterFailures);
    if (!afterFailures)
        return Unexpected(afterFailures.error());
    rules.afterFailures = afterFailures.value();
    const auto noSuccess = wholeNumber(settings, noSuccessKey, 0, 8784, rules.noSuccessHours);
    if (!noSuccess)
        return Unexpected(noSuccess.error());
    rules.noSuccessHours = noSuccess.value();
    const auto slow = wholeNumber(settings, slowKey, 0, 100, rules.slowFactor);
    if (!slow)
        return Unexpected(slow.error());
    rules.slowFactor = slow.value();
    for (const QString &text : listOf(settings.value(webhooksKey))) {
        const auto url = webhookUrl(text);
        if (!url)
            return Unexpected(webhooksKey + QStringLiteral(": ") + url.error());
        rules.webhooks.append(url.value());
    }
    return rules;
}

QList<SettingSpec> AlertRules::settingSpecs()
{
    // Each value is checked by from() itself: the dialog and `jobctl set` refuse what it does.
    const auto checked = [](const QString &key) {
        return [key](const QVariant &value) -> std::optional<QString> {
            QJsonObject one;
            one.insert(key, QJsonValue::fromVariant(value));
            const auto rules = from(one);
            if (rules)
                return std::nullopt;
            const QString prefix = key + QStringLiteral(": ");
            return rules.error().startsWith(prefix) ? rules.error().mid(prefix.size())
                                                    : rules.error();
        };
    };
    const auto yesNo = [&](const QString &key, const QString &label, const QString &help) {
        SettingSpec spec{key, label, {},          SettingSpec::Kind::Text, QStringLiteral("yes"), 0,
                         0,   help,  checked(key)};
        spec.choices = {QStringLiteral("yes"), QStringLiteral("no")};
        return spec;
    };
    SettingSpec webhooks{webhooksKey,
                         QStringLiteral("Alert webhooks"),
                         {},
                         SettingSpec::Kind::List,
                         QString(),
                         0,
                         0,
                         QStringLiteral("http(s) URLs jobctl serve posts this job's alerts to, "
                                        "comma-separated"),
                         checked(webhooksKey)};
    return {
        yesNo(onFailureKey, QStringLiteral("Alert on failure"),
              QStringLiteral("A run failed, timed out, was interrupted or abandoned")),
        SettingSpec::integer(afterFailuresKey, QStringLiteral("Alert after failures"), 1, 1, 100,
                             QStringLiteral("Alert from the Nth failed run in a row; 1 = every "
                                            "one")),
        yesNo(onMissedKey, QStringLiteral("Alert on missed"),
              QStringLiteral("Occurrences came due and did not run")),
        SettingSpec::integer(noSuccessKey, QStringLiteral("Alert without success (h)"), 0, 0, 8784,
                             QStringLiteral("Alert when no run succeeded for this many hours; "
                                            "0 = off")),
        SettingSpec::integer(slowKey, QStringLiteral("Alert when slower than (×)"), 0, 0, 100,
                             QStringLiteral("Alert when a run goes on longer than this many times "
                                            "its usual (p95 of the last 30); 0 = off")),
        webhooks,
    };
}

} // namespace jc
