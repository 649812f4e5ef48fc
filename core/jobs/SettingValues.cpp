#include "jobs/SettingValues.h"

#include <QJsonArray>
#include <QUrl>

namespace jc {

namespace {

Expected<QVariant, QString> parseInteger(const SettingSpec &spec, const QVariant &value)
{
    bool ok = false;
    qint64 number = 0;
    if (value.typeId() == QMetaType::Double) {
        const double d = value.toDouble();
        ok = d == double(qint64(d));
        number = qint64(d);
    } else {
        number = value.toString().trimmed().toLongLong(&ok);
    }
    if (!ok || number < spec.minimum || number > spec.maximum)
        return Unexpected(QStringLiteral("\"%1\" is not a whole number from %2 to %3")
                              .arg(value.toString())
                              .arg(spec.minimum)
                              .arg(spec.maximum));
    return QVariant(number);
}

Expected<QVariant, QString> parseUrl(const QVariant &value)
{
    const QString text = value.toString().trimmed();
    if (text.isEmpty())
        return QVariant(QString());
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return Unexpected(QStringLiteral("\"%1\" is not an absolute http(s) address like "
                                         "https://game.example.org")
                              .arg(text));
    return QVariant(text);
}

Expected<QVariant, QString> parseList(const QVariant &value)
{
    QStringList items;
    if (value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList) {
        items = value.toStringList();
    } else {
        items = value.toString().split(u',');
    }
    QStringList clean;
    for (const QString &item : std::as_const(items)) {
        if (item.trimmed().isEmpty())
            return Unexpected(
                QStringLiteral("\"%1\" has an empty item (give a comma-separated list)")
                    .arg(items.join(u',')));
        clean.append(item.trimmed());
    }
    if (clean.isEmpty())
        return Unexpected(QStringLiteral("the list is empty"));
    return QVariant(clean);
}

QVariant fromJson(const QJsonValue &value)
{
    if (value.isArray())
        return value.toArray().toVariantList();
    return value.toVariant();
}

// A value as a warning names it: numbers bare, texts and lists quoted.
QString shown(const SettingSpec &spec, const QVariant &value)
{
    if (spec.kind == SettingSpec::Kind::Integer)
        return value.toString();
    const QString text =
        value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList
            ? value.toStringList().join(u',')
            : value.toString();
    return u'"' + text + u'"';
}

QString originPhrase(const QString &origin)
{
    if (origin == QLatin1String("environment"))
        return QStringLiteral("from the environment");
    if (origin == QLatin1String("database"))
        return QStringLiteral("stored in the database");
    if (origin == QLatin1String("run"))
        return QStringLiteral("given for this run");
    return QStringLiteral("the default");
}

} // namespace

Expected<QVariant, QString> SettingValues::parse(const SettingSpec &spec, const QVariant &value)
{
    Expected<QVariant, QString> parsed = QVariant();
    switch (spec.kind) {
    case SettingSpec::Kind::Integer:
        parsed = parseInteger(spec, value);
        break;
    case SettingSpec::Kind::Url:
        parsed = parseUrl(value);
        break;
    case SettingSpec::Kind::List:
        parsed = parseList(value);
        break;
    case SettingSpec::Kind::Path:
        if (value.toString().trimmed().isEmpty())
            return Unexpected(QStringLiteral("the path is empty"));
        parsed = QVariant(value.toString().trimmed());
        break;
    case SettingSpec::Kind::Text:
        parsed = QVariant(value.toString());
        break;
    }
    if (!parsed)
        return parsed;
    if (spec.validate) {
        if (auto why = spec.validate(parsed.value()))
            return Unexpected(*why);
    }
    return parsed;
}

Expected<SettingValues::Reading, QString> SettingValues::read(const SettingSpec &spec,
                                                              const QVariant &value)
{
    const auto parsed = parse(spec, value);
    if (parsed)
        return Reading{parsed.value(), {}};
    if (!spec.reportOnly)
        return Unexpected(parsed.error());
    return Reading{spec.salvage ? std::optional(spec.salvage(value)) : std::nullopt,
                   parsed.error()};
}

Expected<SettingValues, QString> SettingValues::resolve(const QList<SettingSpec> &specs,
                                                        const QProcessEnvironment &environment,
                                                        const QJsonObject &stored,
                                                        const QJsonObject &runOverrides)
{
    SettingValues values;
    for (const SettingSpec &spec : specs) {
        values.m_values.insert(spec.key, spec.defaultValue);
        values.m_origins.insert(spec.key, QStringLiteral("default"));
        struct Source
        {
            QString name;
            QString origin;
            std::optional<QVariant> value;
        };
        const QString fromEnvironment =
            spec.environment.isEmpty() ? QString() : environment.value(spec.environment);
        const Source sources[] = {
            {spec.environment, QStringLiteral("environment"),
             fromEnvironment.isEmpty() ? std::nullopt : std::optional(QVariant(fromEnvironment))},
            {spec.key, QStringLiteral("database"),
             stored.contains(spec.key) ? std::optional(fromJson(stored.value(spec.key)))
                                       : std::nullopt},
            {spec.key, QStringLiteral("run"),
             runOverrides.contains(spec.key) ? std::optional(fromJson(runOverrides.value(spec.key)))
                                             : std::nullopt},
        };
        QStringList problems;
        for (const Source &source : sources) {
            if (!source.value)
                continue;
            const auto reading = read(spec, *source.value);
            if (!reading)
                return Unexpected(source.name + QStringLiteral(": ") + reading.error());
            if (!reading->problem.isEmpty())
                problems.append(source.name + QStringLiteral(": ") + reading->problem);
            if (!reading->value)
                continue;
            values.m_values.insert(spec.key, *reading->value);
            values.m_origins.insert(spec.key, source.origin);
        }
        for (const QString &problem : std::as_const(problems))
            values.m_warnings.append(
                QStringLiteral("%1; using %2 (%3) instead. The job only reports this setting: "
                               "nothing it does depends on it.")
                    .arg(problem, shown(spec, values.m_values.value(spec.key)),
                         originPhrase(values.m_origins.value(spec.key))));
    }
    return values;
}

qint64 SettingValues::integer(const QString &key) const
{
    return m_values.value(key).toLongLong();
}

QString SettingValues::text(const QString &key) const
{
    return m_values.value(key).toString();
}

QStringList SettingValues::list(const QString &key) const
{
    return m_values.value(key).toStringList();
}

QJsonObject SettingValues::toJson() const
{
    QJsonObject json;
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it)
        json.insert(it.key(), QJsonValue::fromVariant(it.value()));
    return json;
}

} // namespace jc
