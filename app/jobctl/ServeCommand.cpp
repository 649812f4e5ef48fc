#include "ServeCommand.h"

#include "CommandSupport.h"
#include "ServeStatus.h"

#include "ServiceNotifier.h"
#include "SignalWatcher.h"

#include "common/LogCategories.h"
#include "engine/SystemClock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobRuntime.h"
#include "storage/AppDatabase.h"
#include "storage/DatabaseClock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

using namespace jc;
using namespace std::chrono;

namespace {

// Keeps the service status (`systemctl status`) current: recomputed once per turn of the
// event loop after anything that changes it, sent only when the line changed.
void followStatus(ServiceNotifier &notifier, Scheduler &scheduler, const QTimeZone &zone,
                  QTimer &coalesce)
{
    coalesce.setSingleShot(true);
    coalesce.setInterval(0);
    QObject::connect(&coalesce, &QTimer::timeout, &notifier, [&notifier, &scheduler, zone] {
        if (scheduler.state() == Scheduler::State::Running)
            notifier.setStatus(
                ServeStatus::line(scheduler.jobStatuses(), QDateTime::currentDateTimeUtc(), zone));
    });
    const auto refresh = [&coalesce] { coalesce.start(); };
    QObject::connect(&scheduler, &Scheduler::jobScheduled, &coalesce, refresh);
    QObject::connect(&scheduler, &Scheduler::runStarted, &coalesce, refresh);
    QObject::connect(&scheduler, &Scheduler::runFinished, &coalesce, refresh);
    QObject::connect(&scheduler, &Scheduler::jobPauseChanged, &coalesce, refresh);
}

} // namespace

int ServeCommand::run(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("serve");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the scheduler without a screen until SIGINT or SIGTERM. Every occurrence is "
        "claimed in the database first, so several instances on one database run each once."));
    const QCommandLineOption scheduleOption(
        QStringLiteral("schedule"),
        QStringLiteral("Override a job's schedule in this process only, e.g. "
                       "\"History Retention=*/5 * * * *\". Repeatable."),
        QStringLiteral("JOB=EXPR"));
    const QCommandLineOption tzOption(QStringLiteral("tz"),
                                      QStringLiteral("IANA time zone of the built-in schedules "
                                                     "(default: the system's)."),
                                      QStringLiteral("ZONE"));
    const QCommandLineOption instanceOption(
        QStringLiteral("instance"),
        QStringLiteral("A stable name for this instance (default host:pid). With a stable "
                       "name, a restarted instance marks its own left-over runs interrupted at "
                       "once instead of after the lease."),
        QStringLiteral("NAME"));
    const QCommandLineOption deadlineOption(
        QStringLiteral("stop-deadline"),
        QStringLiteral("Seconds to wait for running jobs after a stop signal (default 30)."),
        QStringLiteral("SECONDS"), QStringLiteral("30"));
    const QCommandLineOption leaseOption(
        QStringLiteral("lease"),
        QStringLiteral("Seconds a running run's heartbeat stays valid (default 60): a run whose "
                       "instance stopped heartbeating for this long is marked interrupted by "
                       "the others. Heartbeats come every quarter of it. Give every instance "
                       "on a database the same value."),
        QStringLiteral("SECONDS"), QStringLiteral("60"));
    parser.addOptions({scheduleOption, tzOption, instanceOption, deadlineOption, leaseOption});
    if (const auto status = CommandSupport::parse(parser, env, command))
        return *status;
    bool deadlineOk = false;
    const int deadlineSeconds = parser.value(deadlineOption).toInt(&deadlineOk);
    if (!deadlineOk || deadlineSeconds < 0 || deadlineSeconds > 3600)
        return env.fail(command,
                        QStringLiteral("--stop-deadline: \"%1\" is not a number of "
                                       "seconds from 0 to 3600")
                            .arg(parser.value(deadlineOption)),
                        2);
    bool leaseOk = false;
    const int leaseSeconds = parser.value(leaseOption).toInt(&leaseOk);
    if (!leaseOk || leaseSeconds < 2 || leaseSeconds > 3600)
        return env.fail(command,
                        QStringLiteral("--lease: \"%1\" is not a number of seconds from 2 to "
                                       "3600")
                            .arg(parser.value(leaseOption)),
                        2);
    JobRuntime::Options options;
    options.scheduler.lease = seconds(leaseSeconds);
    options.scheduler.heartbeatInterval = duration_cast<milliseconds>(seconds(leaseSeconds)) / 4;
    if (parser.isSet(tzOption)) {
        options.zone = QTimeZone(parser.value(tzOption).toUtf8());
        if (!options.zone.isValid())
            return env.fail(command,
                            QStringLiteral("--tz: unknown time zone \"%1\" (use an IANA name "
                                           "such as Europe/Berlin)")
                                .arg(parser.value(tzOption)),
                            2);
    }
    options.scheduleOverrides = parser.values(scheduleOption);
    options.scheduler.instanceId = parser.value(instanceOption);

    // Typos are refused before the database is opened (or created, or migrated); so are
    // notification variables that systemd would never set.
    const ServiceNotifier::Settings service = ServiceNotifier::settingsFrom(
        QProcessEnvironment::systemEnvironment(), QCoreApplication::applicationPid());
    if (!service.error.isEmpty())
        return env.fail(command, service.error, 2);
    QList<JobDefinition> preview = JobCatalog::builtInJobs(nullptr, options.zone);
    if (const auto valid = JobCatalog::applyScheduleOverrides(preview, options.scheduleOverrides);
        !valid)
        return env.fail(command, valid.error(), 2);

    ServiceNotifier notifier(service);
    notifier.setStatus(QStringLiteral("Opening the database"));
    const auto database = AppDatabase::open(AppDatabase::resolveUrlText(env.databaseUrl));
    if (!database)
        return env.fail(command, database.error());
    SystemClock systemClock;
    DatabaseClock clock(systemClock); // the server's time, on PostgreSQL
    clock.align(*database.value());
    options.databaseClock = &clock;
    auto runtime = JobRuntime::create(database.value(), clock, options);
    if (!runtime)
        return env.fail(command, runtime.error(), 2);
    Scheduler &scheduler = runtime.value()->scheduler();

    int status = 0;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::stopRequested, &scheduler, [&](int signalNumber) {
        qCInfo(lcScheduler) << "Received signal" << signalNumber << "- stopping";
        notifier.stopping(QStringLiteral("Stopping: waiting up to %1 s for %2 running runs")
                              .arg(deadlineSeconds)
                              .arg(scheduler.activeRuns().size()));
        const StopReport report = scheduler.stop(seconds(deadlineSeconds));
        status = report.isClean() ? 0 : 1;
        QCoreApplication::exit(status);
    });
    qCInfo(lcScheduler).noquote() << "Serving" << database.value()->url().toDisplayString()
                                  << "as instance" << scheduler.instanceId();
    scheduler.start();
    // Ready: the database is open and migrated, the scheduler runs. The watchdog pings from
    // here on, on this thread.
    notifier.ready(
        ServeStatus::line(scheduler.jobStatuses(), QDateTime::currentDateTimeUtc(), options.zone));
    QTimer statusRefresh;
    followStatus(notifier, scheduler, options.zone, statusRefresh);
    QCoreApplication::exec();
    return status;
}
