#include "AdminCommands.h"

#include "CommandSupport.h"

#include "common/IsoTime.h"
#include "engine/SystemClock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobChangeText.h"
#include "jobs/JobHealth.h"
#include "jobs/JobOverrides.h"
#include "jobs/RunSummaryText.h"
#include "storage/DatabaseClock.h"
#include "storage/InstanceRegistry.h"
#include "storage/JobSettingsStore.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"
#include "storage/RunLiveness.h"
#include "storage/SqlRunJournal.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace jc;
using namespace CommandSupport;

namespace {

// Now, in the database server's clock on PostgreSQL (DatabaseClock): liveness is judged against
// heartbeats that every instance writes in that clock, whatever this host's clock says.
QDateTime databaseNow(ConnectionFactory &database)
{
    const SystemClock systemClock;
    DatabaseClock clock(systemClock);
    clock.align(database);
    return clock.now();
}

// The job's state by the console's rule (JobHealth), with when its pause ends or since when
// it is overdue.
QString stateOf(const JobHealth::Facts &facts, const QDateTime &now)
{
    const JobHealth::State state = JobHealth::state(facts, now);
    QString text = toText(state);
    if (state == JobHealth::State::Paused) {
        const PauseState &pause = *facts.pause;
        text += QStringLiteral(" by %1 since %2").arg(pause.pausedBy, humanTime(pause.pausedAt));
        if (pause.resumeAt)
            text += QStringLiteral(" until ") + humanTime(*pause.resumeAt);
        if (!pause.reason.isEmpty())
            text += QStringLiteral(": ") + pause.reason;
    }
    if (state == JobHealth::State::Overdue)
        text += QStringLiteral(" since ") + humanTime(JobHealth::overdueSince(facts, now));
    return text;
}

QJsonObject toJson(const StoredRun &run)
{
    return QJsonObject{
        {QStringLiteral("id"), run.id},
        {QStringLiteral("job"), run.job},
        {QStringLiteral("trigger"), toText(run.trigger)},
        {QStringLiteral("occurrence"), IsoTime::format(run.occurrence, true)},
        {QStringLiteral("startedAt"), IsoTime::format(run.startedAt, true)},
        {QStringLiteral("finishedAt"), IsoTime::format(run.finishedAt, true)},
        {QStringLiteral("outcome"), toText(run.outcome)},
        {QStringLiteral("error"), run.error},
        {QStringLiteral("attempts"), run.attempts},
        {QStringLiteral("instance"), run.instanceId},
        {QStringLiteral("requestedBy"), run.requestedBy},
        {QStringLiteral("reason"), run.reason},
        {QStringLiteral("dryRun"), run.dryRun},
        {QStringLiteral("missedCount"), run.missedCount},
        {QStringLiteral("summary"), run.summary},
    };
}

// The schedulers that showed a sign of life in the last two minutes (they announce
// themselves every few seconds), so an admin knows whether anything runs the jobs at all.
void printInstances(const CommandEnvironment &env,
                    const std::shared_ptr<ConnectionFactory> &database, const QDateTime &now)
{
    const auto instances =
        InstanceRegistry(database).seenSince(now.toMSecsSinceEpoch() - 2 * 60 * 1000);
    if (!instances) {
        env.out << "\nSchedulers: unknown (" << instances.error() << ")\n";
        return;
    }
    if (instances->isEmpty()) {
        env.out << "\nSchedulers: none seen in the last 2 minutes: no job runs on its schedule "
                   "until one starts (jobctl serve, or the console).\n";
        return;
    }
    env.out << "\nSchedulers seen in the last 2 minutes:\n";
    for (const InstanceInfo &instance : instances.value())
        env.out << "  " << instance.id << "  " << instance.mode << "  since "
                << humanTime(instance.startedAt) << "  last seen "
                << humanTime(instance.heartbeatAt) << "\n";
}

} // namespace

int AdminCommands::list(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("list");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Lists the jobs: state, schedule, last run and outcome, next run."));
    if (const auto status = parse(parser, env, command))
        return *status;
    const auto database = openDatabase(env, AppDatabase::Access::Read);
    if (!database)
        return env.fail(command, database.error());
    const RunHistory history(database.value());
    const auto latest = history.latestRunPerJob();
    const auto occurrences = history.lastOccurrencePerJob();
    const QDateTime now = databaseNow(*database.value());
    const auto pauses = PauseStore(database.value()).activePauses(now.toMSecsSinceEpoch());
    if (!latest || !occurrences || !pauses)
        return env.fail(command, !latest ? latest.error()
                                         : (!occurrences ? occurrences.error() : pauses.error()));
    for (const JobDefinition &job :
         JobCatalog::configuredJobs(database.value(), QTimeZone::systemTimeZone())) {
        const auto last =
            latest->contains(job.name) ? std::optional(latest->value(job.name)) : std::nullopt;
        const auto pause =
            pauses->contains(job.name) ? std::optional(pauses->value(job.name)) : std::nullopt;
        JobHealth::Facts facts;
        facts.schedule = job.schedule;
        facts.lastRun = last;
        if (occurrences->contains(job.name))
            facts.lastOccurrence =
                QDateTime::fromMSecsSinceEpoch(occurrences->value(job.name), Qt::UTC);
        facts.pause = pause;
        // runningHere: this process runs nothing. RunLiveness judges a stored running run.
        const auto silentSince =
            last ? RunLiveness::notRespondingSince(*last, now.toMSecsSinceEpoch()) : std::nullopt;
        facts.notResponding = silentSince.has_value();
        QString state = stateOf(facts, now);
        if (silentSince)
            state += QStringLiteral(" since %1 (run %2 on %3)")
                         .arg(humanTime(*silentSince), QString::number(last->id),
                              last->instanceId.isEmpty() ? QStringLiteral("an unknown instance")
                                                         : last->instanceId);
        env.out << job.name << "\n  state:    " << state << "\n  schedule: " << job.schedule.text()
                << " (" << job.schedule.description() << ", " << job.schedule.zone().id()
                << ")\n  last run: ";
        if (last)
            env.out << humanTime(last->startedAt) << "  "
                    << (last->dryRun ? QStringLiteral("dry run ") : QString())
                    << toText(last->outcome) << "  "
                    << humanDuration(last->startedAt.msecsTo(last->finishedAt)) << "\n";
        else
            env.out << "never\n";
        env.out << "  next run: "
                << (pause ? QStringLiteral("paused") : humanTime(job.schedule.next(now))) << "\n";
    }
    printInstances(env, database.value(), now);
    return 0;
}

// A job's history includes what was changed in its settings, and by whom: the newest few
// changes (since `since`, when given) below its runs.
static void printSettingsChanges(const CommandEnvironment &env,
                                 const std::shared_ptr<ConnectionFactory> &database,
                                 const QString &job, const QDateTime &since)
{
    constexpr int shown = 5;
    const auto changes = JobSettingsStore(database).changes(job, shown);
    if (!changes) {
        env.err << "jobctl history: could not read the settings changes: " << changes.error()
                << "\n";
        return;
    }
    QList<JobSettingsChange> recent;
    for (const JobSettingsChange &change : changes.value()) {
        if (!since.isValid() || change.changedAt >= since)
            recent.append(change);
    }
    if (recent.isEmpty())
        return;
    env.out << "\nSettings changes, pauses and resumes (newest " << shown << "; `jobctl set \""
            << job << "\"` shows the overrides):\n";
    for (const JobSettingsChange &change : std::as_const(recent))
        env.out << "  " << humanTime(change.changedAt) << "  "
                << (change.changedBy.isEmpty() ? QStringLiteral("?") : change.changedBy) << ": "
                << JobChangeText::of(change) << "\n";
}

int AdminCommands::history(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("history");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lists runs, newest first."));
    const QCommandLineOption failedOption(
        QStringLiteral("failed"),
        QStringLiteral("Only problems: failed, timed out, interrupted, abandoned, missed."));
    const QCommandLineOption sinceOption(
        QStringLiteral("since"),
        QStringLiteral("Only runs started at or after DATE (2026-11-01 or an ISO instant)."),
        QStringLiteral("DATE"));
    const QCommandLineOption limitOption(QStringLiteral("limit"),
                                         QStringLiteral("At most N runs (default 20)."),
                                         QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print a JSON array instead of a table."));
    parser.addOptions({failedOption, sinceOption, limitOption, jsonOption});
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("Only this job."),
                                 QStringLiteral("[JOB]"));
    if (const auto status = parse(parser, env, command))
        return *status;
    RunQuery query;
    // A name no job has is still the job of runs recorded under it (a job since renamed or
    // removed): history shows those, and refuses a name with neither.
    const QStringList positional = parser.positionalArguments();
    const CatalogEntry *job = findJob(positional);
    if (positional.size() > 1)
        return env.fail(command, noJobMessage(positional), 2);
    if (!positional.isEmpty())
        query.job = job ? job->name : positional.first();
    bool limitOk = false;
    query.limit = parser.value(limitOption).toInt(&limitOk);
    if (!limitOk || query.limit < 1 || query.limit > 10000)
        return env.fail(command,
                        QStringLiteral("--limit: \"%1\" is not a number from 1 to 10000")
                            .arg(parser.value(limitOption)),
                        2);
    if (parser.isSet(sinceOption)) {
        const auto since = parseDateOrInstant(parser.value(sinceOption));
        if (!since)
            return env.fail(command,
                            QStringLiteral("--since: \"%1\" is not a date (2026-11-01) "
                                           "or an ISO 8601 instant with an offset")
                                .arg(parser.value(sinceOption)),
                            2);
        query.since = *since;
    }
    if (parser.isSet(failedOption))
        query.outcomes = {RunOutcome::Failed, RunOutcome::TimedOut, RunOutcome::Interrupted,
                          RunOutcome::Abandoned, RunOutcome::Missed};
    const auto database = openDatabase(env, AppDatabase::Access::Read);
    if (!database)
        return env.fail(command, database.error());
    if (!positional.isEmpty() && !job) {
        const auto recorded = RunHistory(database.value()).runs({.job = query.job, .limit = 1});
        if (!recorded)
            return env.fail(command, recorded.error());
        if (recorded->isEmpty())
            return env.fail(command, noJobMessage(positional), 2);
    }
    const auto runs = RunHistory(database.value()).runs(query);
    if (!runs)
        return env.fail(command, runs.error());
    const qint64 now = databaseNow(*database.value()).toMSecsSinceEpoch();
    if (parser.isSet(jsonOption)) {
        QJsonArray array;
        for (const StoredRun &run : runs.value())
            array.append(toJson(run));
        env.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return 0;
    }
    for (const StoredRun &run : runs.value()) {
        env.out << QStringLiteral("%1  %2  %3  %4  %5  %6")
                       .arg(run.id, 6)
                       .arg(humanTime(run.startedAt.isValid() ? run.startedAt : run.occurrence),
                            toText(run.outcome).leftJustified(11),
                            humanDuration(run.startedAt.msecsTo(run.finishedAt)).leftJustified(10),
                            toText(run.trigger).leftJustified(9), run.job);
        if (!run.requestedBy.isEmpty())
            env.out << "  by " << run.requestedBy;
        env.out << "\n";
        if (!run.error.isEmpty())
            env.out << "        " << run.error.left(300) << "\n";
        if (const auto silentSince = RunLiveness::notRespondingSince(run, now)) {
            env.out << "        not responding since " << humanTime(*silentSince) << " ("
                    << (run.instanceId.isEmpty() ? QStringLiteral("an unknown instance")
                                                 : run.instanceId)
                    << ")\n";
        }
        if (const QString words = RunSummaryText::of(run); !words.isEmpty())
            env.out << "        " << words << "\n";
    }
    if (runs->isEmpty())
        env.out << "No runs.\n";
    if (!query.job.isEmpty())
        printSettingsChanges(env, database.value(), query.job, query.since);
    return 0;
}

int AdminCommands::pause(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("pause");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Pauses JOB on every instance sharing the database: its occurrences are recorded as "
        "skipped until it is resumed (or until --until)."));
    const QCommandLineOption reasonOption(QStringLiteral("reason"),
                                          QStringLiteral("Why, shown to other admins."),
                                          QStringLiteral("TEXT"));
    const QCommandLineOption untilOption(
        QStringLiteral("until"),
        QStringLiteral("Resume by itself at DATE (2026-12-01 or an ISO instant)."),
        QStringLiteral("DATE"));
    parser.addOptions({reasonOption, untilOption});
    parser.addPositionalArgument(
        QStringLiteral("JOB"),
        QStringLiteral("The job's name, or its name in the logs (monthly-credit-top-up)."));
    if (const auto status = parse(parser, env, command))
        return *status;
    const auto jobName = jobArgument(env, command, parser.positionalArguments());
    if (!jobName)
        return jobName.error();
    const auto database = openDatabase(env);
    if (!database)
        return env.fail(command, database.error());
    std::optional<QDateTime> until;
    if (parser.isSet(untilOption)) {
        until = parseDateOrInstant(parser.value(untilOption));
        if (!until)
            return env.fail(command,
                            QStringLiteral("--until: \"%1\" is not a date (2026-12-01) "
                                           "or an ISO 8601 instant with an offset")
                                .arg(parser.value(untilOption)),
                            2);
    }
    const QString &job = jobName.value();
    const auto paused = PauseStore(database.value())
                            .pause(job, osUser(), parser.value(reasonOption), until,
                                   databaseNow(*database.value()).toMSecsSinceEpoch());
    if (!paused)
        return env.fail(command, paused.error());
    env.out << "Paused \"" << job << "\"";
    if (until)
        env.out << " until " << humanTime(*until);
    env.out << ".\n";
    return 0;
}

int AdminCommands::resume(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("resume");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Ends JOB's pause on every instance."));
    parser.addPositionalArgument(
        QStringLiteral("JOB"),
        QStringLiteral("The job's name, or its name in the logs (monthly-credit-top-up)."));
    if (const auto status = parse(parser, env, command))
        return *status;
    const auto jobName = jobArgument(env, command, parser.positionalArguments());
    if (!jobName)
        return jobName.error();
    const auto database = openDatabase(env);
    if (!database)
        return env.fail(command, database.error());
    const QString &job = jobName.value();
    const auto resumed =
        PauseStore(database.value())
            .resume(job, osUser(), databaseNow(*database.value()).toMSecsSinceEpoch());
    if (!resumed)
        return env.fail(command, resumed.error());
    env.out << (resumed.value() ? "Resumed \"" : "Was not paused: \"") << job << "\".\n";
    return 0;
}

int AdminCommands::cancel(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("cancel");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Asks the instance running RUN_ID to stop it; it stops within one heartbeat."));
    parser.addPositionalArgument(QStringLiteral("RUN_ID"),
                                 QStringLiteral("The run's id, as `jobctl history` shows it."));
    if (const auto status = parse(parser, env, command))
        return *status;
    bool idOk = false;
    const qint64 id = parser.positionalArguments().value(0).toLongLong(&idOk);
    if (parser.positionalArguments().size() != 1 || !idOk || id <= 0)
        return env.fail(command,
                        QStringLiteral("expected one RUN_ID, a number from "
                                       "`jobctl history`"),
                        2);
    const auto database = openDatabase(env);
    if (!database)
        return env.fail(command, database.error());
    const auto requested =
        SqlRunJournal(database.value())
            .requestCancel(id, osUser(), databaseNow(*database.value()).toMSecsSinceEpoch());
    if (!requested)
        return env.fail(command, requested.error());
    env.out << "Cancel requested for run " << id << ".\n";
    return 0;
}
