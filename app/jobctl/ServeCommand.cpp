#include "ServeCommand.h"

#include "CommandSupport.h"
#include "ServeStatus.h"

#include "ServiceNotifier.h"
#include "SignalWatcher.h"

#include "common/LogCategories.h"
#include "jobs/AlertRules.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobRuntime.h"
#include "schedule/ZoneName.h"
#include "service/AlertMonitor.h"
#include "service/MetricsServer.h"
#include "service/SchedulerMetrics.h"
#include "service/ServiceLog.h"
#include "service/WebhookSender.h"
#include "storage/RunHistory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QScopeGuard>
#include <QTimer>

#include <utility>

using namespace jc;
using namespace std::chrono;

namespace {

const QString command = QStringLiteral("serve");

struct ServeOptions
{
    QCommandLineOption schedule{
        QStringLiteral("schedule"),
        QStringLiteral("Override a job's schedule in this process only, e.g. "
                       "\"History Retention=*/5 * * * *\". Repeatable."),
        QStringLiteral("JOB=EXPR")};
    QCommandLineOption tz{QStringLiteral("tz"),
                          QStringLiteral("IANA time zone of the built-in schedules "
                                         "(default: the system's)."),
                          QStringLiteral("ZONE")};
    QCommandLineOption instance{
        QStringLiteral("instance"),
        QStringLiteral("A stable name for this instance (default host:pid). With a stable "
                       "name, a restarted instance marks its own left-over runs interrupted at "
                       "once instead of after the lease."),
        QStringLiteral("NAME")};
    QCommandLineOption deadline{
        QStringLiteral("stop-deadline"),
        QStringLiteral("Seconds to wait for running jobs after a stop signal (default 30)."),
        QStringLiteral("SECONDS"), QStringLiteral("30")};
    QCommandLineOption lease{
        QStringLiteral("lease"),
        QStringLiteral("Seconds a running run's heartbeat stays valid (default 60): a run whose "
                       "instance stopped heartbeating for this long is marked interrupted by "
                       "the others. Heartbeats come every quarter of it. Give every instance "
                       "on a database the same value."),
        QStringLiteral("SECONDS"), QStringLiteral("60")};
    QCommandLineOption metrics{
        QStringLiteral("metrics"),
        QStringLiteral("Serve Prometheus/OpenMetrics text at http://HOST:PORT/metrics (off by "
                       "default). A bare :PORT or PORT listens on 127.0.0.1 only; port 0 takes "
                       "any free port (the URL is logged)."),
        QStringLiteral("HOST:PORT")};
    QCommandLineOption alertWebhook{
        QStringLiteral("alert-webhook"),
        QStringLiteral("POST every job's alerts (a run failed, timed out or was interrupted; "
                       "occurrences missed; recovered) as JSON to this http(s) URL, beside the "
                       "job's own alertWebhooks setting. Repeatable. Each alert is sent once "
                       "across the instances on the database; give them all the same URLs."),
        QStringLiteral("URL")};
};

// What the command line asks for, checked before the database is opened.
struct ServeSettings
{
    JobRuntime::Options runtime;
    int deadlineSeconds = 30;
    QList<QUrl> alertWebhooks;
};

void describe(QCommandLineParser &parser, const ServeOptions &options)
{
    parser.setApplicationDescription(QStringLiteral(
        "Runs the scheduler without a screen until SIGINT or SIGTERM. Every occurrence is "
        "claimed in the database first, so several instances on one database run each once."));
    parser.addOptions({options.schedule, options.tz, options.instance, options.deadline,
                       options.lease, options.metrics, options.alertWebhook});
}

// The option's value as whole seconds from `min` to 3600; nullopt after saying why not (a
// usage error: exit status 2).
std::optional<int> secondsOf(const CommandEnvironment &env, const QCommandLineParser &parser,
                             const QCommandLineOption &option, int min)
{
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (ok && value >= min && value <= 3600)
        return value;
    env.fail(command,
             QStringLiteral("--%1: \"%2\" is not a number of seconds from %3 to 3600")
                 .arg(option.names().constFirst(), parser.value(option), QString::number(min)),
             2);
    return std::nullopt;
}

Expected<QTimeZone, int> zoneOf(const CommandEnvironment &env, const QCommandLineParser &parser,
                                const ServeOptions &options)
{
    if (!parser.isSet(options.tz))
        return QTimeZone();
    auto zone = ZoneName::parse(parser.value(options.tz));
    if (zone)
        return std::move(zone).value();
    return jc::Unexpected(env.fail(command, QStringLiteral("--tz: ") + zone.error(), 2));
}

Expected<ServeSettings, int> settingsOf(const CommandEnvironment &env,
                                        const QCommandLineParser &parser,
                                        const ServeOptions &options)
{
    const auto deadline = secondsOf(env, parser, options.deadline, 0);
    if (!deadline)
        return Unexpected(2);
    const auto lease = secondsOf(env, parser, options.lease, 2);
    if (!lease)
        return Unexpected(2);
    ServeSettings settings;
    settings.deadlineSeconds = *deadline;
    JobRuntime::Options &runtime = settings.runtime;
    runtime.scheduler.lease = seconds(*lease);
    runtime.scheduler.heartbeatInterval = duration_cast<milliseconds>(seconds(*lease)) / 4;
    if (parser.isSet(options.tz)) {
        const auto zone = zoneOf(env, parser, options);
        if (!zone)
            return Unexpected(zone.error());
        runtime.zone = zone.value();
    }
    runtime.scheduleOverrides = parser.values(options.schedule);
    // An empty name (a script's unset variable) silently became host:pid, which loses what a
    // stable name is for: refused, as every other bad option is.
    if (parser.isSet(options.instance) && parser.value(options.instance).trimmed().isEmpty())
        return Unexpected(env.fail(command,
                                   QStringLiteral("--instance needs a name, such as the host's; "
                                                  "leave the option out for host:pid"),
                                   2));
    runtime.scheduler.instanceId = parser.value(options.instance);
    for (const QString &text : parser.values(options.alertWebhook)) {
        const auto url = AlertRules::webhookUrl(text);
        if (!url)
            return Unexpected(
                env.fail(command, QStringLiteral("--alert-webhook: ") + url.error(), 2));
        settings.alertWebhooks.append(url.value());
    }
    return settings;
}

// Schedule overrides that do not parse are refused before the database is opened (or
// created, or migrated).
std::optional<QString> badScheduleOverride(const JobRuntime::Options &options)
{
    QList<JobDefinition> preview = JobCatalog::builtInJobs(nullptr, options.zone);
    if (const auto valid = JobCatalog::applyScheduleOverrides(preview, options.scheduleOverrides);
        !valid)
        return valid.error();
    return std::nullopt;
}

// With --metrics, the endpoint, listening already: bound before the database is opened, so
// that a typo or a port in use exits 2 before anything starts. Null without --metrics.
Expected<std::unique_ptr<MetricsServer>, int> listenForMetrics(const CommandEnvironment &env,
                                                               const QCommandLineParser &parser,
                                                               const ServeOptions &options)
{
    if (!parser.isSet(options.metrics))
        return std::unique_ptr<MetricsServer>();
    const auto address = MetricsListenAddress::parse(parser.value(options.metrics));
    if (!address)
        return jc::Unexpected(
            env.fail(command, QStringLiteral("--metrics: ") + address.error(), 2));
    auto server = std::make_unique<MetricsServer>();
    if (const auto listening = server->listen(address.value()); !listening)
        return jc::Unexpected(
            env.fail(command, QStringLiteral("--metrics: ") + listening.error(), 2));
    qCInfo(lcMetrics).noquote() << "Metrics at" << server->url();
    return server;
}

// Keeps the service status (`systemctl status`) current: recomputed once per turn of the
// event loop after anything that changes it, and every second for the heartbeat's outcome
// (found on the journal's thread, with no signal), sent only when the line changed.
void followStatus(ServiceNotifier &notifier, Scheduler &scheduler, const QTimeZone &zone,
                  QTimer &coalesce, QTimer &everySecond)
{
    coalesce.setSingleShot(true);
    coalesce.setInterval(0);
    QObject::connect(&coalesce, &QTimer::timeout, &notifier, [&notifier, &scheduler, zone] {
        if (scheduler.state() == Scheduler::State::Running)
            notifier.setStatus(ServeStatus::line(scheduler.jobStatuses(), scheduler.clock().now(),
                                                 zone, scheduler.leaseRenewal()));
    });
    const auto refresh = [&coalesce] { coalesce.start(); };
    QObject::connect(&scheduler, &Scheduler::jobScheduled, &coalesce, refresh);
    QObject::connect(&scheduler, &Scheduler::runStarted, &coalesce, refresh);
    QObject::connect(&scheduler, &Scheduler::runFinished, &coalesce, refresh);
    QObject::connect(&scheduler, &Scheduler::jobPauseChanged, &coalesce, refresh);
    QObject::connect(&everySecond, &QTimer::timeout, &coalesce, refresh);
    everySecond.start(1000);
}

// A stop signal cancels the running jobs, waits for them up to the deadline and ends the event
// loop; `status` says whether some had to be abandoned. A signal that comes while stopping (an
// impatient second Ctrl+C, systemd's SIGTERM after a SIGINT) changes nothing: handled again,
// it found the scheduler stopped, called that clean and turned the exit status 1 into 0.
void stopOnSignal(SignalWatcher &watcher, Scheduler &scheduler, ServiceNotifier &notifier,
                  int deadlineSeconds, int &status)
{
    QObject::connect(&watcher, &SignalWatcher::stopRequested, &scheduler,
                     [&, deadlineSeconds, stopping = false](int signalNumber) mutable {
                         if (std::exchange(stopping, true)) {
                             qCInfo(lcScheduler)
                                 << "Received signal" << signalNumber << "while stopping - ignored";
                             return;
                         }
                         qCInfo(lcScheduler) << "Received signal" << signalNumber << "- stopping";
                         notifier.stopping(
                             QStringLiteral("Stopping: waiting up to %1 s for %2 running runs")
                                 .arg(deadlineSeconds)
                                 .arg(scheduler.activeRuns().size()));
                         const StopReport report = scheduler.stop(seconds(deadlineSeconds));
                         status = report.isClean() ? 0 : 1;
                         QCoreApplication::exit(status);
                     });
}

// Each job's last run and success on record, for the metrics: read once, before the scheduler
// starts. Unreadable: the metrics know this instance's runs only (a warning says so).
SchedulerMetrics::OnRecord recordedRuns(const std::shared_ptr<ConnectionFactory> &database)
{
    const RunHistory history(database);
    const auto latest = history.latestRunPerJob();
    const auto successes = history.lastSuccessPerJob();
    if (!latest || !successes) {
        qCWarning(lcScheduler).noquote() << "Metrics will show only this instance's runs:"
                                         << (latest ? successes.error() : latest.error());
        return {};
    }
    SchedulerMetrics::OnRecord onRecord;
    for (auto run = latest->cbegin(); run != latest->cend(); ++run) {
        if (run->finishedAt.isValid()) // a run going on has not ended
            onRecord.lastRunEnded.insert(run.key(), run->finishedAt);
    }
    onRecord.lastSuccess = successes.value();
    return onRecord;
}

// Runs the scheduler until a stop signal, answering `metrics` (when given) meanwhile; the
// exit status.
int serve(JobRuntime &runtime, ServiceNotifier &notifier, const ServeSettings &settings,
          MetricsServer *metrics, SchedulerMetrics::OnRecord onRecord)
{
    int status = 0;
    Scheduler &scheduler = runtime.scheduler();
    WebhookSender sender;
    AlertMonitor alerts(scheduler, runtime.database(), sender,
                        {settings.alertWebhooks, scheduler.options().heartbeatInterval});
    SchedulerMetrics counters(scheduler,
                              {scheduler.instanceId(), QStringLiteral(JOBCONSOLE_VERSION)});
    counters.setOnRecord(std::move(onRecord));
    if (metrics)
        metrics->setSource([&counters] { return counters.render(); });
    const auto noMoreMetrics = qScopeGuard([metrics] {
        if (metrics)
            metrics->setSource({}); // `counters` ends here; the server lives a little longer
    });
    SignalWatcher watcher;
    stopOnSignal(watcher, scheduler, notifier, settings.deadlineSeconds, status);
    alerts.start();
    scheduler.start();
    // Ready: the database is open and migrated, the scheduler runs. The watchdog pings from
    // here on, on this thread.
    const QTimeZone &zone = settings.runtime.zone;
    notifier.ready(ServeStatus::line(scheduler.jobStatuses(), scheduler.clock().now(), zone));
    QTimer statusRefresh;
    QTimer statusPoll;
    followStatus(notifier, scheduler, zone, statusRefresh, statusPoll);
    QCoreApplication::exec();
    alerts.finish(seconds(5)); // the last runs' alerts, a moment to go out
    return status;
}

// The command, its line parsed.
int runParsed(const CommandEnvironment &env, const QCommandLineParser &parser,
              const ServeOptions &options)
{
    auto settings = settingsOf(env, parser, options);
    if (!settings)
        return settings.error();
    // Typos are refused before the database is opened (or created, or migrated); so are
    // notification variables that systemd would never set.
    const ServiceNotifier::Settings service = ServiceNotifier::settingsFrom(
        QProcessEnvironment::systemEnvironment(), QCoreApplication::applicationPid());
    if (!service.error.isEmpty())
        return env.fail(command, service.error, 2);
    if (const auto error = badScheduleOverride(settings->runtime))
        return env.fail(command, *error, 2);
    auto metrics = listenForMetrics(env, parser, options);
    if (!metrics)
        return metrics.error();

    ServiceNotifier notifier(service);
    notifier.setStatus(QStringLiteral("Opening the database"));
    const auto opened = CommandSupport::openWithClock(env, command);
    if (!opened)
        return opened.error();
    const std::shared_ptr<ConnectionFactory> &database = opened.value()->database;
    DatabaseClock &clock = opened.value()->clock;
    settings.value().runtime.databaseClock = &clock;
    auto runtime = JobRuntime::create(database, clock, settings->runtime);
    if (!runtime)
        return env.fail(command, runtime.error(), 2);
    Scheduler &scheduler = runtime.value()->scheduler();
    qCInfo(lcScheduler).noquote() << "Serving" << database->url().toDisplayString() << "as instance"
                                  << scheduler.instanceId();
    SchedulerMetrics::OnRecord onRecord;
    if (metrics.value())
        onRecord = recordedRuns(database);
    return serve(*runtime.value(), notifier, settings.value(), metrics.value().get(),
                 std::move(onRecord));
}

} // namespace

int ServeCommand::run(const CommandEnvironment &env)
{
    return CommandSupport::parseThen<ServeOptions>(env, command, runParsed);
}
