#include "AdminCommands.h"

#include "CommandSupport.h"

#include "jobs/JobCatalog.h"
#include "jobs/JobHealth.h"
#include "jobs/ScheduleChangeLog.h"
#include "storage/InstanceRegistry.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"
#include "storage/RunLiveness.h"
#include "storage/SqlRunJournal.h"

using namespace jc;
using namespace CommandSupport;

namespace {

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

// A job's facts for JobHealth from what the database says (this process runs nothing).
JobHealth::Facts factsOf(const JobDefinition &job, const std::optional<StoredRun> &last,
                         const QHash<QString, qint64> &occurrences,
                         const std::optional<PauseState> &pause,
                         const QList<ScheduleTimeline::Replaced> &earlierSchedules,
                         const QDateTime &now)
{
    JobHealth::Facts facts;
    facts.schedule = job.schedule;
    facts.earlierSchedules = earlierSchedules;
    facts.lastRun = last;
    if (occurrences.contains(job.name))
        facts.lastOccurrence = QDateTime::fromMSecsSinceEpoch(occurrences.value(job.name), Qt::UTC);
    facts.pause = pause;
    // runningHere: this process runs nothing. RunLiveness judges a stored running run.
    facts.notResponding =
        last && RunLiveness::notRespondingSince(*last, now.toMSecsSinceEpoch()).has_value();
    return facts;
}

// The state line: JobHealth's state, and for a run whose holder went silent, since when and
// where.
QString stateLine(const JobHealth::Facts &facts, const QDateTime &now)
{
    QString state = stateOf(facts, now);
    const auto &last = facts.lastRun;
    if (const auto silentSince =
            last ? RunLiveness::notRespondingSince(*last, now.toMSecsSinceEpoch()) : std::nullopt)
        state += QStringLiteral(" since %1 (run %2 on %3)")
                     .arg(humanTime(*silentSince), QString::number(last->id),
                          last->instanceId.isEmpty() ? QStringLiteral("an unknown instance")
                                                     : last->instanceId);
    return state;
}

void printJob(const CommandEnvironment &env, const JobDefinition &job,
              const JobHealth::Facts &facts, const QDateTime &now)
{
    const auto &last = facts.lastRun;
    env.out << job.name << "\n  state:    " << stateLine(facts, now)
            << "\n  schedule: " << job.schedule.text() << " (" << job.schedule.description() << ", "
            << job.schedule.zone().id() << ")\n  last run: ";
    if (last)
        env.out << humanTime(last->startedAt) << "  "
                << (last->dryRun ? QStringLiteral("dry run ") : QString()) << toText(last->outcome)
                << "  " << runDuration(*last, now.toMSecsSinceEpoch()) << "\n";
    else
        env.out << "never\n";
    env.out << "  next run: "
            << (facts.pause ? QStringLiteral("paused") : humanTime(job.schedule.next(now))) << "\n";
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
    const QDateTime now = databaseNow(database.value());
    const auto pauses = PauseStore(database.value()).activePauses(now.toMSecsSinceEpoch());
    if (!latest || !occurrences || !pauses)
        return env.fail(command, !latest ? latest.error()
                                         : (!occurrences ? occurrences.error() : pauses.error()));
    const auto earlier = ScheduleChangeLog::read(database.value(), QTimeZone::systemTimeZone());
    if (!earlier)
        return env.fail(command, earlier.error());
    for (const JobDefinition &job :
         JobCatalog::configuredJobs(database.value(), QTimeZone::systemTimeZone())) {
        const auto last =
            latest->contains(job.name) ? std::optional(latest->value(job.name)) : std::nullopt;
        const auto pause =
            pauses->contains(job.name) ? std::optional(pauses->value(job.name)) : std::nullopt;
        printJob(env, job,
                 factsOf(job, last, occurrences.value(), pause, earlier->value(job.name), now),
                 now);
    }
    printInstances(env, database.value(), now);
    return 0;
}

int AdminCommands::pause(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("pause");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Pauses JOB on every instance sharing the database: its occurrences are recorded as "
        "missed until it is resumed (or until --until). A pause in force is replaced, and "
        "the command says which."));
    const QCommandLineOption reasonOption(QStringLiteral("reason"),
                                          QStringLiteral("Why, shown to other admins."),
                                          QStringLiteral("TEXT"));
    const QCommandLineOption untilOption(
        QStringLiteral("until"),
        QStringLiteral("Resume by itself at DATE (2026-12-01 or an ISO instant)."),
        QStringLiteral("DATE"));
    parser.addOptions({reasonOption, untilOption});
    addJobArgument(parser);
    const auto target = parseJobOnDatabase(parser, env, command);
    if (!target)
        return target.error();
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
    const QString &job = target->job;
    const qint64 now = databaseNow(target->database).toMSecsSinceEpoch();
    if (until && until->toMSecsSinceEpoch() <= now) // a usage error, as an unreadable date is
        return env.fail(command,
                        QStringLiteral("--until: %1 is not in the future: give a later time, or "
                                       "none to pause until resumed")
                            .arg(humanTime(*until)),
                        2);
    PauseStore pauses(target->database);
    const auto before = pauses.activePauses(now);
    if (!before)
        return env.fail(command, before.error());
    const auto paused = pauses.pause(job, osUser(), parser.value(reasonOption), until, now);
    if (!paused)
        return env.fail(command, paused.error());
    env.out << "Paused \"" << job << "\"";
    if (until)
        env.out << " until " << humanTime(*until);
    env.out << ".\n";
    if (const auto replaced = before->constFind(job); replaced != before->cend())
        env.out
            << "It replaces the pause by " << replaced->pausedBy << " since "
            << humanTime(replaced->pausedAt)
            << (replaced->reason.isEmpty() ? QString()
                                           : QStringLiteral(" (\"%1\")").arg(replaced->reason))
            << (replaced->resumeAt
                    ? QStringLiteral(", which was to end %1").arg(humanTime(*replaced->resumeAt))
                    : QString())
            << ".\n";
    return 0;
}

int AdminCommands::resume(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("resume");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Ends JOB's pause on every instance."));
    addJobArgument(parser);
    const auto target = parseJobOnDatabase(parser, env, command);
    if (!target)
        return target.error();
    const QString &job = target->job;
    const auto resumed =
        PauseStore(target->database)
            .resume(job, osUser(), databaseNow(target->database).toMSecsSinceEpoch());
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
        "Asks the instance running RUN_ID to stop it; it stops within a few seconds."));
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
            .requestCancel(id, osUser(), databaseNow(database.value()).toMSecsSinceEpoch());
    if (!requested)
        return env.fail(command, requested.error());
    env.out << "Cancel requested for run " << id << ".\n";
    return 0;
}
