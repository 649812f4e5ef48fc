#pragma once

#include "common/Expected.h"
#include "jobs/SettingSpec.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QStringList>

#include <optional>

namespace jc {

// A job's settings, resolved from its specs: each key's default, replaced by its environment
// variable when set (non-empty), then by the stored per-database value, then by a value given
// for this run only. Every value given anywhere is validated against its spec; the first bad
// one refuses the whole resolution with "NAME: reason" (NAME is the environment variable when
// the value came from there, else the key), so nothing the job acts on is ever silently
// replaced. Report-only specs (SettingSpec::reportOnly) are the exception: their bad values
// are replaced as the spec says, never silently: each replacement is one of warnings().
class SettingValues
{
public:
    // What one given value comes to.
    struct Reading
    {
        std::optional<QVariant> value; // none: the value below it stands
        QString problem;               // why it was not taken as given; empty when it was
    };

    // `overrides` may hold keys of other specs (the scheduler's own, like "schedule"): those
    // are left alone. Values in `overrides` may be JSON numbers or texts ("500").
    static Expected<SettingValues, QString> resolve(const QList<SettingSpec> &specs,
                                                    const QProcessEnvironment &environment,
                                                    const QJsonObject &stored = {},
                                                    const QJsonObject &runOverrides = {});

    // Checks one text value typed by a person against `spec` (`jobctl set`, the settings
    // dialog); the converted value or why not.
    static Expected<QVariant, QString> parse(const SettingSpec &spec, const QVariant &value);

    // parse(), except that a report-only spec's refused value is read instead of refused:
    // what spec.salvage makes of it, or nothing, with parse()'s reason as the problem.
    static Expected<Reading, QString> read(const SettingSpec &spec, const QVariant &value);

    [[nodiscard]] qint64 integer(const QString &key) const;
    [[nodiscard]] QString text(const QString &key) const;
    [[nodiscard]] QStringList list(const QString &key) const;
    [[nodiscard]] bool contains(const QString &key) const { return m_values.contains(key); }
    // Where each value came from: "default", "environment", "database", "run".
    [[nodiscard]] QString origin(const QString &key) const { return m_origins.value(key); }
    // Every value as JSON, for the run's log and the console.
    [[nodiscard]] QJsonObject toJson() const;
    // One line per report-only value not used as given, for the run's log: "NAME: why; using
    // VALUE (the default) instead. ...".
    [[nodiscard]] const QStringList &warnings() const { return m_warnings; }

private:
    QHash<QString, QVariant> m_values;
    QHash<QString, QString> m_origins;
    QStringList m_warnings;
};

} // namespace jc
