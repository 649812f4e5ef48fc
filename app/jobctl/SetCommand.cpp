#include "SetCommand.h"

#include "CommandSupport.h"

#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"
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
    bool numeric;
};

const QList<Flag> &flags()
{
    static const QList<Flag> all{
        {QStringLiteral("schedule"), QStringLiteral("schedule"), QStringLiteral("EXPR"),
         QStringLiteral("The schedule (see README)."), false},
        {QStringLiteral("tz"), QStringLiteral("timeZone"), QStringLiteral("ZONE"),
         QStringLiteral("IANA time zone of the schedule."), false},
        {QStringLiteral("overlap"), QStringLiteral("overlap"), QStringLiteral("POLICY"),
         QStringLiteral("skip, queue or parallel."), false},
        {QStringLiteral("timeout"), QStringLiteral("timeoutSeconds"), QStringLiteral("SECONDS"),
         QStringLiteral("0 for none."), true},
        {QStringLiteral("retries"), QStringLiteral("retryAttempts"), QStringLiteral("N"),
         QStringLiteral("Attempts in all; 1 = no retry."), true},
        {QStringLiteral("retry-delay"), QStringLiteral("retryDelaySeconds"),
         QStringLiteral("SECONDS"), QStringLiteral("Delay before the first retry (doubles)."),
         true},
        {QStringLiteral("missed"), QStringLiteral("missedRuns"), QStringLiteral("POLICY"),
         QStringLiteral("catch-up or skip."), false},
        {QStringLiteral("catch-up-window"), QStringLiteral("catchUpWindowHours"),
         QStringLiteral("HOURS"),
         QStringLiteral(
             "How old a missed occurrence may be and still run; 0 = until the next one."),
         true},
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
                << JobOverrides::describe(change.before) << " -> "
                << JobOverrides::describe(change.after) << "\n";
}

} // namespace

int SetCommand::run(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("set");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Overrides JOB's settings in the database, for every instance (applied when each "
        "starts). Without options: shows the overrides and their history."));
    for (const Flag &flag : flags())
        parser.addOption(QCommandLineOption(flag.option, flag.help, flag.valueName));
    const QCommandLineOption resetOption(QStringLiteral("reset"),
                                         QStringLiteral("Drop every override first."));
    parser.addOption(resetOption);
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("The job's name."));
    if (const auto status = CommandSupport::parse(parser, env, command))
        return *status;

    const QList<JobDefinition> catalog =
        JobCatalog::builtInJobs(nullptr, QTimeZone::systemTimeZone());
    const QString name = parser.positionalArguments().value(0);
    const auto job = std::find_if(catalog.cbegin(), catalog.cend(),
                                  [&](const JobDefinition &def) { return def.name == name; });
    if (parser.positionalArguments().size() != 1 || job == catalog.cend()) {
        QStringList known;
        for (const auto &def : catalog)
            known.append(def.name);
        return env.fail(
            command,
            QStringLiteral("expected one JOB (jobs: %1)").arg(known.join(QStringLiteral(", "))), 2);
    }
    const auto database = CommandSupport::openDatabase(env);
    if (!database)
        return env.fail(command, database.error());
    JobSettingsStore store(database.value());
    const auto stored = store.all();
    if (!stored)
        return env.fail(command, stored.error());
    QJsonObject settings = parser.isSet(resetOption) ? QJsonObject() : stored->value(name);
    bool changed = parser.isSet(resetOption);
    for (const Flag &flag : flags()) {
        if (!parser.isSet(flag.option))
            continue;
        const QString value = parser.value(flag.option);
        bool isNumber = false;
        const int number = value.toInt(&isNumber);
        settings.insert(flag.key,
                        flag.numeric && isNumber ? QJsonValue(number) : QJsonValue(value));
        changed = true;
    }
    if (!changed) {
        env.out << name << ": " << JobOverrides::describe(stored->value(name)) << "\n";
        printChanges(env, store, name);
        return 0;
    }
    if (const auto valid = JobOverrides::apply(*job, settings); !valid)
        return env.fail(command, valid.error(), 2);
    const auto before =
        store.set(name, settings, CommandSupport::osUser(), QDateTime::currentMSecsSinceEpoch());
    if (!before)
        return env.fail(command, before.error());
    env.out << name << ": " << JobOverrides::describe(before.value()) << " -> "
            << JobOverrides::describe(settings)
            << "\nInstances apply it when they start; restart running ones.\n";
    return 0;
}
