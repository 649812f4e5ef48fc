#include "RunCommand.h"

#include "CommandSupport.h"
#include "ProgressLine.h"
#include "SignalWatcher.h"

#include "common/IsoTime.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobRuntime.h"
#include "jobs/RunSummaryText.h"
#include "schedule/OccurrenceFinder.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

using namespace jc;
using namespace std::chrono;

namespace {

const QString command = QStringLiteral("run");

struct RunOptions
{
    QCommandLineOption dryRun{QStringLiteral("dry-run"),
                              QStringLiteral("Compute and report, change nothing.")};
    QCommandLineOption wait{
        QStringLiteral("wait"),
        QStringLiteral("Show progress and exit 0 on success, 1 on failure, 3 when skipped "
                       "because the job is already running.")};
    QCommandLineOption reason{QStringLiteral("reason"), QStringLiteral("Why, for the history."),
                              QStringLiteral("TEXT")};
    QCommandLineOption set{QStringLiteral("set"),
                           QStringLiteral("Uses VALUE for one of the job's own settings in this "
                                          "run only (repeatable; `jobctl set JOB` lists them)."),
                           QStringLiteral("KEY=VALUE")};
    QCommandLineOption occurrence{
        QStringLiteral("occurrence"),
        QStringLiteral("Runs JOB as this past occurrence of its schedule (a backfill; ISO 8601 "
                       "with offset or Z, as `next --from`): the top-up grants that "
                       "occurrence's month, to those not granted it yet."),
        QStringLiteral("INSTANT")};
    QCommandLineOption verbose{
        {QStringLiteral("v"), QStringLiteral("verbose")},
        QStringLiteral("Also print the job's log lines on stderr (without it: only warnings "
                       "and errors; the whole log stays in `jobctl history`).")};
};

// What the command line asks for, checked before the database is opened.
struct Invocation
{
    QString job;
    QDateTime occurrence; // invalid: a manual run, not a backfill
    QJsonObject settings; // --set, for this run only
    bool dryRun = false;
    bool wait = false;
    QString reason;
};

void describe(QCommandLineParser &parser, const RunOptions &options)
{
    parser.setApplicationDescription(
        QStringLiteral("Runs JOB now in this process, recorded as a manual run (with "
                       "--occurrence: as a backfill of that past occurrence)."));
    parser.addOptions({options.dryRun, options.wait, options.reason, options.set,
                       options.occurrence, options.verbose});
    CommandSupport::addJobArgument(parser);
}

// The results go to stdout; the log's informational lines would bury them on a terminal.
// QT_LOGGING_RULES, read after these rules, still decides when set.
void quietUnlessVerbose(const QCommandLineParser &parser, const RunOptions &options)
{
    if (!parser.isSet(options.verbose))
        QLoggingCategory::setFilterRules(QStringLiteral("jc.*.info=false"));
}

// --occurrence's instant (invalid when not given), or the usage error's status.
Expected<QDateTime, int> occurrenceOf(const CommandEnvironment &env,
                                      const QCommandLineParser &parser, const RunOptions &options)
{
    if (!parser.isSet(options.occurrence))
        return QDateTime();
    const auto parsed = IsoTime::parseStrict(parser.value(options.occurrence));
    if (!parsed)
        return Unexpected(
            env.fail(command,
                     QStringLiteral("--occurrence: \"%1\" is not an ISO 8601 instant "
                                    "with seconds and an offset, e.g. "
                                    "2026-12-01T00:00:00+13:00 or 2026-11-30T11:00:00Z")
                         .arg(parser.value(options.occurrence)),
                     2));
    return *parsed;
}

Expected<Invocation, int> invocationOf(const CommandEnvironment &env,
                                       const QCommandLineParser &parser, const RunOptions &options)
{
    const auto job = CommandSupport::jobArgument(env, command, parser.positionalArguments());
    if (!job)
        return Unexpected(job.error());
    Invocation invocation;
    invocation.job = job.value();
    const auto occurrence = occurrenceOf(env, parser, options);
    if (!occurrence)
        return Unexpected(occurrence.error());
    invocation.occurrence = occurrence.value();
    if (const auto error = CommandSupport::applySettingTexts(
            *JobCatalog::find(invocation.job), parser.values(options.set), QStringLiteral("--set"),
            invocation.settings))
        return Unexpected(env.fail(command, *error, 2));
    invocation.dryRun = parser.isSet(options.dryRun);
    invocation.wait = parser.isSet(options.wait);
    invocation.reason = parser.value(options.reason);
    return invocation;
}

JobRuntime::Options runtimeOptions(const Invocation &invocation, DatabaseClock &clock)
{
    JobRuntime::Options options;
    options.scheduler.scheduleJobs = false; // this process runs JOB, nothing else
    options.mode = QStringLiteral("run");
    options.runSettings.insert(invocation.job, invocation.settings);
    options.databaseClock = &clock;
    return options;
}

int exitStatusFor(RunOutcome outcome)
{
    return outcome == RunOutcome::Succeeded ? 0 : 1;
}

// "JOB: succeeded in 1.2 s (run 7)", its error and what it did, in words; every counter stays
// in `jobctl history --json`.
void printFinished(const CommandEnvironment &env, const QString &job, const RunRecord &r)
{
    env.out << job << ": " << toText(r.outcome) << " in "
            << QString::number(double(r.durationMSecs()) / 1000.0, 'f', 1) << " s";
    if (r.storedRunId)
        env.out << " (run " << r.storedRunId << ")";
    env.out << "\n";
    if (!r.error.isEmpty())
        env.out << "  error: " << r.error << "\n";
    if (const QString words = RunSummaryText::of(job, r.summary, r.info.dryRun); !words.isEmpty())
        env.out << "  " << words << "\n";
    env.out.flush();
}

// The run's end decides the exit status and ends the event loop: with --wait, how it went;
// a journal the database disagreed with is a failure either way.
int statusOfFinished(const CommandEnvironment &env, const Invocation &invocation,
                     const RunRecord &r)
{
    int status = invocation.wait ? exitStatusFor(r.outcome) : 0;
    if (!r.journalError.isEmpty()) {
        env.err << "jobctl run: the database does not agree: " << r.journalError << "\n";
        env.err.flush();
        status = 1;
    }
    return status;
}

// Shows the run's progress, reports its end (or its refusal) and sets `status`, then ends the
// event loop.
void followRun(const CommandEnvironment &env, Scheduler &scheduler, const Invocation &invocation,
               ProgressLine &progress, int &status)
{
    QObject::connect(&scheduler, &Scheduler::runProgress, &scheduler,
                     [&](RunId, qint64 done, qint64 total, const QString &text) {
                         progress.show(done, total, text);
                     });
    QObject::connect(&scheduler, &Scheduler::runFinished, &scheduler, [&](const RunRecord &r) {
        progress.clear();
        printFinished(env, invocation.job, r);
        status = statusOfFinished(env, invocation, r);
        QCoreApplication::exit(status);
    });
    QObject::connect(&scheduler, &Scheduler::runRefused, &scheduler,
                     [&](const RunInfo &, SkipReason, const QString &message) {
                         progress.clear();
                         env.err << "jobctl run: \"" << invocation.job
                                 << "\" did not run: " << message << "\n";
                         env.err.flush();
                         status = invocation.wait ? 3 : 0;
                         QCoreApplication::exit(status);
                     });
}

void cancelOnStopSignal(SignalWatcher &watcher, Scheduler &scheduler)
{
    QObject::connect(&watcher, &SignalWatcher::stopRequested, &scheduler, [&scheduler](int) {
        for (const RunInfo &run : scheduler.activeRuns())
            scheduler.cancel(run.id, CommandSupport::osUser());
    });
}

// A backfill's instant must be an occurrence of the job's schedule as it runs here (stored
// zone and schedule overrides applied): a typo is a usage error naming the nearest ones.
std::optional<QString> notAnOccurrence(const Scheduler &scheduler, const QString &job,
                                       const QDateTime &occurrence)
{
    if (!occurrence.isValid())
        return std::nullopt;
    const auto refusal =
        OccurrenceFinder::notAnOccurrence(scheduler.jobStatus(job)->schedule, occurrence, job);
    if (refusal)
        return QStringLiteral("--occurrence: ") + *refusal;
    // A usage error too (exit 2), not a refusal to start (3 means "already running").
    if (occurrence > scheduler.clock().now())
        return QStringLiteral("--occurrence: %1 has not come yet: only past occurrences of "
                              "\"%2\" can be run as a backfill")
            .arg(IsoTime::format(occurrence, scheduler.jobStatus(job)->schedule.zone()), job);
    return std::nullopt;
}

// Starts the run and waits for its end; the exit status.
int runOnce(const CommandEnvironment &env, Scheduler &scheduler, const Invocation &invocation)
{
    ProgressLine progress(env.out, invocation.wait);
    int status = 1;
    followRun(env, scheduler, invocation, progress, status);
    SignalWatcher watcher;
    cancelOnStopSignal(watcher, scheduler);
    if (const auto error = notAnOccurrence(scheduler, invocation.job, invocation.occurrence))
        return env.fail(command, *error, 2);
    scheduler.start();
    const auto started =
        scheduler.runNow(invocation.job, RunRequest{invocation.dryRun, CommandSupport::osUser(),
                                                    invocation.reason, invocation.occurrence});
    if (!started)
        return env.fail(command, started.error(), invocation.wait ? 3 : 1);
    QCoreApplication::exec();
    scheduler.stop(seconds(30));
    return status;
}

// The command, its line parsed.
int runParsed(const CommandEnvironment &env, const QCommandLineParser &parser,
              const RunOptions &options)
{
    quietUnlessVerbose(parser, options);
    const auto invocation = invocationOf(env, parser, options);
    if (!invocation)
        return invocation.error();

    const auto opened = CommandSupport::openWithClock(env, command);
    if (!opened)
        return opened.error();
    DatabaseClock &clock = opened.value()->clock;
    auto runtime = JobRuntime::create(opened.value()->database, clock,
                                      runtimeOptions(invocation.value(), clock));
    if (!runtime)
        return env.fail(command, runtime.error());
    return runOnce(env, runtime.value()->scheduler(), invocation.value());
}

} // namespace

int RunCommand::run(const CommandEnvironment &env)
{
    return CommandSupport::parseThen<RunOptions>(env, command, runParsed);
}
