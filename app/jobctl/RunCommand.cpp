#include "RunCommand.h"

#include "CommandSupport.h"
#include "ProgressLine.h"
#include "SignalWatcher.h"

#include "common/IsoTime.h"
#include "engine/SystemClock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobRuntime.h"
#include "jobs/RunSummaryText.h"
#include "schedule/OccurrenceFinder.h"
#include "storage/AppDatabase.h"
#include "storage/DatabaseClock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

using namespace jc;
using namespace std::chrono;

namespace {

int exitStatusFor(RunOutcome outcome)
{
    return outcome == RunOutcome::Succeeded ? 0 : 1;
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
    if (!refusal)
        return std::nullopt;
    return QStringLiteral("--occurrence: ") + *refusal;
}

} // namespace

int RunCommand::run(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("run");
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs JOB now in this process, recorded as a manual run (with "
                       "--occurrence: as a backfill of that past occurrence)."));
    const QCommandLineOption dryRunOption(QStringLiteral("dry-run"),
                                          QStringLiteral("Compute and report, change nothing."));
    const QCommandLineOption waitOption(
        QStringLiteral("wait"),
        QStringLiteral("Show progress and exit 0 on success, 1 on failure, 3 when skipped "
                       "because the job is already running."));
    const QCommandLineOption reasonOption(
        QStringLiteral("reason"), QStringLiteral("Why, for the history."), QStringLiteral("TEXT"));
    const QCommandLineOption setOption(
        QStringLiteral("set"),
        QStringLiteral("Uses VALUE for one of the job's own settings in this run only "
                       "(repeatable; `jobctl set JOB` lists them)."),
        QStringLiteral("KEY=VALUE"));
    const QCommandLineOption occurrenceOption(
        QStringLiteral("occurrence"),
        QStringLiteral("Runs JOB as this past occurrence of its schedule (a backfill; ISO 8601 "
                       "with offset or Z, as `next --from`): the top-up grants that "
                       "occurrence's month, to those not granted it yet."),
        QStringLiteral("INSTANT"));
    const QCommandLineOption verboseOption(
        {QStringLiteral("v"), QStringLiteral("verbose")},
        QStringLiteral("Also print the job's log lines on stderr (without it: only warnings "
                       "and errors; the whole log stays in `jobctl history`)."));
    parser.addOptions(
        {dryRunOption, waitOption, reasonOption, setOption, occurrenceOption, verboseOption});
    parser.addPositionalArgument(
        QStringLiteral("JOB"),
        QStringLiteral("The job's name, or its name in the logs (monthly-credit-top-up)."));
    if (const auto status = CommandSupport::parse(parser, env, command))
        return *status;
    // The results go to stdout; the log's informational lines would bury them on a terminal.
    // QT_LOGGING_RULES, read after these rules, still decides when set.
    if (!parser.isSet(verboseOption))
        QLoggingCategory::setFilterRules(QStringLiteral("jc.*.info=false"));
    // Checked before the database is opened.
    const auto job = CommandSupport::jobArgument(env, command, parser.positionalArguments());
    if (!job)
        return job.error();
    const QString &jobName = job.value();
    const CatalogEntry *entry = JobCatalog::find(jobName);
    QDateTime occurrence;
    if (parser.isSet(occurrenceOption)) {
        const auto parsed = IsoTime::parseStrict(parser.value(occurrenceOption));
        if (!parsed)
            return env.fail(command,
                            QStringLiteral("--occurrence: \"%1\" is not an ISO 8601 instant "
                                           "with seconds and an offset, e.g. "
                                           "2026-12-01T00:00:00+13:00 or 2026-11-30T11:00:00Z")
                                .arg(parser.value(occurrenceOption)),
                            2);
        occurrence = *parsed;
    }
    QJsonObject runSettings;
    if (const auto error = CommandSupport::applySettingTexts(*entry, parser.values(setOption),
                                                             QStringLiteral("--set"), runSettings))
        return env.fail(command, *error, 2);

    const auto database = AppDatabase::open(AppDatabase::resolveUrlText(env.databaseUrl));
    if (!database)
        return env.fail(command, database.error());
    SystemClock systemClock;
    DatabaseClock clock(systemClock); // the server's time, on PostgreSQL
    clock.align(*database.value());
    JobRuntime::Options options;
    options.scheduler.scheduleJobs = false; // this process runs JOB, nothing else
    options.mode = QStringLiteral("run");
    options.runSettings.insert(jobName, runSettings);
    options.databaseClock = &clock;
    auto runtime = JobRuntime::create(database.value(), clock, options);
    if (!runtime)
        return env.fail(command, runtime.error());
    Scheduler &scheduler = runtime.value()->scheduler();

    const bool wait = parser.isSet(waitOption);
    ProgressLine progress(env.out, wait);
    int status = 1;
    QObject::connect(&scheduler, &Scheduler::runProgress, &scheduler,
                     [&](RunId, qint64 done, qint64 total, const QString &text) {
                         progress.show(done, total, text);
                     });
    QObject::connect(&scheduler, &Scheduler::runFinished, &scheduler, [&](const RunRecord &r) {
        progress.clear();
        env.out << jobName << ": " << toText(r.outcome) << " in "
                << QString::number(double(r.durationMSecs()) / 1000.0, 'f', 1) << " s";
        if (r.storedRunId)
            env.out << " (run " << r.storedRunId << ")";
        env.out << "\n";
        if (!r.error.isEmpty())
            env.out << "  error: " << r.error << "\n";
        // What it did, in words; every counter stays in `jobctl history --json`.
        if (const QString words = RunSummaryText::of(jobName, r.summary, r.info.dryRun);
            !words.isEmpty())
            env.out << "  " << words << "\n";
        env.out.flush();
        status = wait ? exitStatusFor(r.outcome) : 0;
        if (!r.journalError.isEmpty()) {
            env.err << "jobctl run: the database does not agree: " << r.journalError << "\n";
            env.err.flush();
            status = 1;
        }
        QCoreApplication::exit(status);
    });
    QObject::connect(&scheduler, &Scheduler::runRefused, &scheduler,
                     [&](const RunInfo &, SkipReason, const QString &message) {
                         progress.clear();
                         env.err << "jobctl run: \"" << jobName << "\" did not run: " << message
                                 << "\n";
                         env.err.flush();
                         status = wait ? 3 : 0;
                         QCoreApplication::exit(status);
                     });
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::stopRequested, &scheduler, [&](int) {
        for (const RunInfo &run : scheduler.activeRuns())
            scheduler.cancel(run.id);
    });

    if (const auto error = notAnOccurrence(scheduler, jobName, occurrence))
        return env.fail(command, *error, 2);
    scheduler.start();
    const auto started =
        scheduler.runNow(jobName, RunRequest{parser.isSet(dryRunOption), CommandSupport::osUser(),
                                             parser.value(reasonOption), occurrence});
    if (!started)
        return env.fail(command, started.error(), wait ? 3 : 1);
    QCoreApplication::exec();
    scheduler.stop(seconds(30));
    return status;
}
