#include "HistoryCommand.h"

#include "CommandSupport.h"

#include "common/IsoTime.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobChangeText.h"
#include "jobs/RunSummaryText.h"
#include "storage/JobSettingsStore.h"
#include "storage/RunHistory.h"
#include "storage/RunLiveness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace jc;
using namespace CommandSupport;

namespace {

const QString command = QStringLiteral("history");

struct HistoryOptions
{
    QCommandLineOption failed{
        QStringLiteral("failed"),
        QStringLiteral("Only problems: failed, timed out, interrupted, abandoned, missed.")};
    QCommandLineOption since{
        QStringLiteral("since"),
        QStringLiteral("Only runs started at or after DATE (2026-11-01 or an ISO instant)."),
        QStringLiteral("DATE")};
    QCommandLineOption limit{QStringLiteral("limit"),
                             QStringLiteral("At most N runs (default 20)."), QStringLiteral("N"),
                             QStringLiteral("20")};
    QCommandLineOption json{QStringLiteral("json"),
                            QStringLiteral("Print a JSON array instead of a table.")};
};

void describe(QCommandLineParser &parser, const HistoryOptions &options)
{
    parser.setApplicationDescription(QStringLiteral("Lists runs, newest first."));
    parser.addOptions({options.failed, options.since, options.limit, options.json});
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("Only this job."),
                                 QStringLiteral("[JOB]"));
}

// The query the options ask for, or the usage error's status. A name no job has is still the
// job of runs recorded under it (a job since renamed or removed): history shows those, and
// refuses a name with neither (knownJobOrRecorded).
Expected<RunQuery, int> queryOf(const CommandEnvironment &env, const QCommandLineParser &parser,
                                const HistoryOptions &options)
{
    RunQuery query;
    const QStringList positional = parser.positionalArguments();
    const CatalogEntry *job = findJob(positional);
    if (positional.size() > 1)
        return Unexpected(env.fail(command, noJobMessage(positional), 2));
    if (!positional.isEmpty())
        query.job = job ? job->name : positional.first();
    bool limitOk = false;
    query.limit = parser.value(options.limit).toInt(&limitOk);
    if (!limitOk || query.limit < 1 || query.limit > 10000)
        return Unexpected(env.fail(command,
                                   QStringLiteral("--limit: \"%1\" is not a number from 1 to 10000")
                                       .arg(parser.value(options.limit)),
                                   2));
    if (parser.isSet(options.since)) {
        const auto since = parseDateOrInstant(parser.value(options.since));
        if (!since)
            return Unexpected(env.fail(command,
                                       QStringLiteral("--since: \"%1\" is not a date (2026-11-01) "
                                                      "or an ISO 8601 instant with an offset")
                                           .arg(parser.value(options.since)),
                                       2));
        query.since = *since;
    }
    if (parser.isSet(options.failed))
        query.outcomes = {RunOutcome::Failed, RunOutcome::TimedOut, RunOutcome::Interrupted,
                          RunOutcome::Abandoned, RunOutcome::Missed};
    return query;
}

// A JOB that names no job in the catalog must at least have runs recorded under it: 0 when
// it may be listed, else the failure's status.
int knownJobOrRecorded(const CommandEnvironment &env,
                       const std::shared_ptr<ConnectionFactory> &database,
                       const QStringList &positional, const QString &job)
{
    if (positional.isEmpty() || findJob(positional))
        return 0;
    const auto recorded = RunHistory(database).runs({.job = job, .limit = 1});
    if (!recorded)
        return env.fail(command, recorded.error());
    if (recorded->isEmpty())
        return env.fail(command, noJobMessage(positional), 2);
    return 0;
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

void printJson(const CommandEnvironment &env, const QList<StoredRun> &runs)
{
    QJsonArray array;
    for (const StoredRun &run : runs)
        array.append(toJson(run));
    env.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
}

// One run: id, start, outcome, duration, trigger, job and who asked; below it its error,
// whether its holder stopped responding (judged at `now`), and what it did in words.
void printRun(const CommandEnvironment &env, const StoredRun &run, qint64 now)
{
    env.out << QStringLiteral("%1  %2  %3  %4  %5  %6")
                   .arg(run.id, 6)
                   .arg(humanTime(run.startedAt.isValid() ? run.startedAt : run.occurrence),
                        toText(run.outcome).leftJustified(11),
                        runDuration(run, now).leftJustified(10),
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

// A job's history includes what was changed in its settings, and by whom: the newest few
// changes (since `since`, when given) below its runs.
void printSettingsChanges(const CommandEnvironment &env,
                          const std::shared_ptr<ConnectionFactory> &database, const QString &job,
                          const QDateTime &since)
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

// The command, its line parsed.
int runParsed(const CommandEnvironment &env, const QCommandLineParser &parser,
              const HistoryOptions &options)
{
    const auto query = queryOf(env, parser, options);
    if (!query)
        return query.error();
    const auto database = openDatabase(env, AppDatabase::Access::Read);
    if (!database)
        return env.fail(command, database.error());
    if (const int status =
            knownJobOrRecorded(env, database.value(), parser.positionalArguments(), query->job))
        return status;
    const auto runs = RunHistory(database.value()).runs(query.value());
    if (!runs)
        return env.fail(command, runs.error());
    const qint64 now = databaseNow(database.value()).toMSecsSinceEpoch();
    if (parser.isSet(options.json)) {
        printJson(env, runs.value());
        return 0;
    }
    for (const StoredRun &run : runs.value())
        printRun(env, run, now);
    if (runs->isEmpty())
        env.out << "No runs.\n";
    if (!query->job.isEmpty())
        printSettingsChanges(env, database.value(), query->job, query->since);
    return 0;
}

} // namespace

int HistoryCommand::run(const CommandEnvironment &env)
{
    return CommandSupport::parseThen<HistoryOptions>(env, command, runParsed);
}
