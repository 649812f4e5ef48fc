#include "SetCommand.h"

#include "CommandSupport.h"

#include "engine/SystemClock.h"
#include "jobs/AlertRules.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobChangeText.h"
#include "jobs/JobOverrides.h"
#include "jobs/JobRuntime.h"
#include "jobs/SettingValues.h"
#include "schedule/ScheduleChangePreview.h"
#include "storage/JobSettingsStore.h"

#include <QTimeZone>

using namespace jc;

namespace {

struct Flag
{
    QString option;
    QString key;
    QString valueName;
    QString help;
    enum class Value { Text, Number, YesNo } value;
};

// The JSON a flag's text stands for: a number for numeric flags when it is one, true or false
// for yes/no flags when it is one of the words; otherwise the text, for JobOverrides to refuse
// with its message.
QJsonValue jsonFor(const Flag &flag, const QString &text)
{
    if (flag.value == Flag::Value::Number) {
        bool isNumber = false;
        const int number = text.toInt(&isNumber);
        return isNumber ? QJsonValue(number) : QJsonValue(text);
    }
    if (flag.value == Flag::Value::YesNo) {
        const QString word = text.trimmed().toLower();
        if (word == u"yes" || word == u"true" || word == u"on")
            return true;
        if (word == u"no" || word == u"false" || word == u"off")
            return false;
    }
    return text;
}

const QList<Flag> &flags()
{
    static const QList<Flag> all{
        {QStringLiteral("schedule"), QStringLiteral("schedule"), QStringLiteral("EXPR"),
         QStringLiteral("The schedule (see README)."), Flag::Value::Text},
        {QStringLiteral("tz"), QStringLiteral("timeZone"), QStringLiteral("ZONE"),
         QStringLiteral("IANA time zone of the schedule."), Flag::Value::Text},
        {QStringLiteral("overlap"), QStringLiteral("overlap"), QStringLiteral("POLICY"),
         QStringLiteral("skip, queue or parallel."), Flag::Value::Text},
        {QStringLiteral("timeout"), QStringLiteral("timeoutSeconds"), QStringLiteral("SECONDS"),
         QStringLiteral("0 for none."), Flag::Value::Number},
        {QStringLiteral("retries"), QStringLiteral("retryAttempts"), QStringLiteral("N"),
         QStringLiteral("Attempts in all; 1 = no retry."), Flag::Value::Number},
        {QStringLiteral("retry-delay"), QStringLiteral("retryDelaySeconds"),
         QStringLiteral("SECONDS"), QStringLiteral("Delay before the first retry (doubles)."),
         Flag::Value::Number},
        {QStringLiteral("missed"), QStringLiteral("missedRuns"), QStringLiteral("POLICY"),
         QStringLiteral("catch-up or skip."), Flag::Value::Text},
        {QStringLiteral("catch-up-window"), QStringLiteral("catchUpWindowHours"),
         QStringLiteral("HOURS"),
         QStringLiteral(
             "How old a missed occurrence may be and still run; 0 = until the next one."),
         Flag::Value::Number},
        {QStringLiteral("catch-up-on-resume"), QStringLiteral("catchUpOnResume"),
         QStringLiteral("yes|no"),
         QStringLiteral("On resume, run the latest occurrence missed while paused (inside the "
                        "catch-up window)."),
         Flag::Value::YesNo},
    };
    return all;
}

void printChanges(const CommandEnvironment &env, JobSettingsStore &store, const QString &job)
{
    const auto changes = store.changes(job, 10);
    if (!changes || changes->isEmpty())
        return;
    env.out << "Recent changes:\n";
    for (const JobSettingsChange &change : changes.value())
        env.out << "  " << CommandSupport::humanTime(change.changedAt) << "  "
                << (change.changedBy.isEmpty() ? QStringLiteral("?") : change.changedBy) << ": "
                << JobChangeText::of(change) << "\n";
}

void printSettings(const CommandEnvironment &env, const CatalogEntry &entry,
                   const QProcessEnvironment &environment, const QJsonObject &stored)
{
    const auto values = SettingValues::resolve(entry.specs, environment, stored);
    if (!values) {
        env.out << "Its settings are invalid: " << values.error() << "\n";
        return;
    }
    env.out << "Settings (--setting KEY=VALUE):\n";
    for (const SettingSpec &spec : entry.specs) {
        const QVariant value = values->toJson().value(spec.key).toVariant();
        const QString shown = value.typeId() == QMetaType::QVariantList
                                  ? value.toStringList().join(u',')
                                  : value.toString();
        env.out << "  " << spec.key << " = "
                << (shown.isEmpty() ? QStringLiteral("(empty)") : shown) << "  ["
                << values->origin(spec.key)
                << (spec.environment.isEmpty() ? QString()
                                               : QStringLiteral(", env ") + spec.environment)
                << "]  " << spec.help << "\n";
    }
}

const QString command = QStringLiteral("set");

struct SetOptions
{
    QCommandLineOption setting{
        QStringLiteral("setting"),
        QStringLiteral("Sets one of the job's own settings (repeatable); `jobctl set JOB` lists "
                       "them. An empty VALUE drops the override."),
        QStringLiteral("KEY=VALUE")};
    QCommandLineOption reset{QStringLiteral("reset"), QStringLiteral("Drop every override first.")};
    QCommandLineOption yes{
        QStringLiteral("yes"),
        QStringLiteral("Save a schedule or zone change that drops or adds runs within the next "
                       "24 h (without it, such a change is shown and not saved).")};
};

void describe(QCommandLineParser &parser, const SetOptions &options)
{
    parser.setApplicationDescription(QStringLiteral(
        "Overrides JOB's settings in the database, for every instance (each running one "
        "applies them within seconds; a new schedule counts from then on). Without options: shows "
        "the overrides and their history."));
    for (const Flag &flag : flags())
        parser.addOption(QCommandLineOption(flag.option, flag.help, flag.valueName));
    parser.addOptions({options.setting, options.reset, options.yes});
    CommandSupport::addJobArgument(parser);
}

// The job's settings as the options leave them (`stored` with the flags and --setting values
// applied; from nothing with --reset), or the usage error. `changed`: whether any option asks
// for a change at all (without one, the command only shows).
Expected<QJsonObject, QString> settingsAfter(const QCommandLineParser &parser,
                                             const SetOptions &options, const CatalogEntry &entry,
                                             const QJsonObject &stored, bool &changed)
{
    QJsonObject settings = parser.isSet(options.reset) ? QJsonObject() : stored;
    changed = parser.isSet(options.reset);
    for (const Flag &flag : flags()) {
        if (!parser.isSet(flag.option))
            continue;
        settings.insert(flag.key, jsonFor(flag, parser.value(flag.option)));
        changed = true;
    }
    if (const auto error = CommandSupport::applySettingTexts(entry, parser.values(options.setting),
                                                             QStringLiteral("--setting"), settings))
        return Unexpected(*error);
    changed = changed || parser.isSet(options.setting);
    return settings;
}

void show(const CommandEnvironment &env, const CatalogEntry &entry, JobSettingsStore &store,
          const QJsonObject &stored)
{
    env.out << entry.name << ": " << JobOverrides::describe(stored) << "\n";
    printSettings(env, entry, QProcessEnvironment::systemEnvironment(), stored);
    printChanges(env, store, entry.name);
}

bool scheduleChanged(const JobDefinition &current, const JobDefinition &wanted)
{
    return current.schedule.text() != wanted.schedule.text() ||
           current.schedule.zone() != wanted.schedule.zone();
}

// A schedule or zone change is shown with the runs it moves; one that moves runs within the
// next 24 h is saved only with --yes. Returns whether it may be saved.
bool confirmScheduleChange(const CommandEnvironment &env, const JobDefinition &current,
                           const JobDefinition &wanted, bool yes)
{
    const auto preview =
        ScheduleChangePreview::compute(current.schedule, wanted.schedule, SystemClock::wallTime());
    env.out << preview.text(current.schedule, wanted.schedule);
    return !preview.changesTheComingDay() || yes;
}

// Every scheduler (serve, console) reads the stored settings at each poll, and each console's
// table follows them too: nothing needs a restart.
void printSaved(const CommandEnvironment &env, const QString &name, const QJsonObject &before,
                const QJsonObject &after)
{
    const auto poll =
        std::chrono::duration_cast<std::chrono::seconds>(JobRuntime::Options{}.pausePollInterval);
    env.out << name << ": " << JobOverrides::describe(before) << " -> "
            << JobOverrides::describe(after)
            << QStringLiteral("\nEvery running instance and console on this database applies it "
                              "within %1 s; a new schedule counts from now.\n")
                   .arg(poll.count());
}

// Checks the new settings (a whole job definition must come of them), shows a schedule change
// and stores them with who and when.
int save(const CommandEnvironment &env, const QCommandLineParser &parser, const SetOptions &options,
         const CatalogEntry &entry, JobSettingsStore &store, const QJsonObject &stored,
         const QJsonObject &settings)
{
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const auto valid =
        JobCatalog::configure(entry, nullptr, QTimeZone::systemTimeZone(), environment, settings);
    if (!valid)
        return env.fail(command, valid.error(), 2);
    const auto current =
        JobCatalog::configure(entry, nullptr, QTimeZone::systemTimeZone(), environment, stored);
    if (current && scheduleChanged(*current, *valid)) {
        // A schedule that never fires stops the job for good, with nothing to show for it:
        // refused, --yes or not.
        const QString never =
            ScheduleChangePreview::neverFiresProblem(valid->schedule, SystemClock::wallTime());
        if (!never.isEmpty())
            return env.fail(command, QStringLiteral("nothing was saved: ") + never + u'.', 2);
        if (!confirmScheduleChange(env, *current, *valid, parser.isSet(options.yes)))
            return env.fail(command,
                            QStringLiteral("nothing was saved: this change moves runs within the "
                                           "next 24 h (above). Run it again with --yes to save "
                                           "it."),
                            2);
    }
    const auto before =
        store.set(entry.name, settings, CommandSupport::osUser(), SystemClock::wallMSecs());
    if (!before)
        return env.fail(command, before.error());
    printSaved(env, entry.name, before.value(), settings);
    return 0;
}

} // namespace

int SetCommand::run(const CommandEnvironment &env)
{
    CommandSupport::CommandLine<SetOptions> line;
    auto &[parser, options] = line;
    const auto target = CommandSupport::parseJobOnDatabase(parser, env, command);
    if (!target)
        return target.error();
    const CatalogEntry &entry = *JobCatalog::find(target->job);
    JobSettingsStore store(target->database);
    const auto stored = store.all();
    if (!stored)
        return env.fail(command, stored.error());
    const QJsonObject storedSettings = stored->value(entry.name);
    // --setting also takes the job's alert rules, which `serve` reads (not the job).
    CatalogEntry settable = entry;
    settable.specs += AlertRules::settingSpecs();
    bool changed = false;
    const auto settings = settingsAfter(parser, options, settable, storedSettings, changed);
    if (!settings)
        return env.fail(command, settings.error(), 2);
    if (!changed) {
        show(env, settable, store, storedSettings);
        return 0;
    }
    return save(env, parser, options, entry, store, storedSettings, settings.value());
}
