#pragma once

#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>
#include <optional>
#include <utility>

namespace jc {

// One setting a job reads: its key in the stored settings (`jobctl set JOB key=value`, the
// console's settings dialog, `jobctl run --set key=value`), the environment variable the
// app itself uses for it (if any), its default, and what values are allowed. A job lists
// its specs; SettingValues resolves them (default < environment < stored < command line)
// and refuses invalid values with a message that names the setting.
struct SettingSpec
{
    // A whole number from `minimum` to `maximum` that only the job's stored settings set.
    static SettingSpec integer(QString key, QString label, int defaultValue, qint64 minimum,
                               qint64 maximum, QString help)
    {
        return {std::move(key), std::move(label), {}, Kind::Integer, defaultValue, minimum,
                maximum,        std::move(help),  {}};
    }

    enum class Kind {
        Integer, // whole number in [minimum, maximum]
        Text,    // any text (checked by `validate` when set)
        Url,     // empty, or an absolute http(s) URL with a host
        Path,    // a non-empty file-system path
        List,    // comma-separated non-empty items (stored as a QStringList)
    };

    QString key;         // "batchSize"
    QString label;       // "Batch size" — for the console's settings dialog
    QString environment; // "REGULAR_USER_FREE_CREDITS", or empty when the app has none
    Kind kind = Kind::Text;
    QVariant defaultValue;
    qint64 minimum = 0; // Integer only
    qint64 maximum = 0; // Integer only
    QString help;       // one line: what it does, with its unit
    // Extra check after the kind's own; returns why a value is refused.
    std::function<std::optional<QString>(const QVariant &)> validate;
    // Report-only: the job shows the value (the app's own configuration, say) but nothing it
    // does depends on it, so a value the checks above refuse must never stop it. SettingValues
    // then keeps what `salvage` makes of the value (without one: the value below it, from the
    // environment or the default) and records a warning for the run's log; the settings
    // dialog shows the warning and still saves.
    bool reportOnly = false;
    std::function<QVariant(const QVariant &)> salvage = {};
    // Text only: the values allowed, when they are a few words ("skip", "queue",
    // "parallel"); the settings dialog offers them in a drop-down instead of a text field.
    QStringList choices = {};
};

} // namespace jc
