// jobconsole: the desktop console. Opens the database (ConsoleDatabase: --demo, --db,
// $JOBCONSOLE_DB, the console's settings, else the demo database), runs the scheduled jobs
// here unless told to only watch, and shows the main window.
#include "common/BackgroundPriority.h"
#include "data/TimeDisplay.h"
#include "engine/SystemClock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobRuntime.h"
#include "main/ConsoleDatabase.h"
#include "main/ConsoleStatusBar.h"
#include "main/MainWindow.h"
#include "seed/DemoDatabase.h"
#include "storage/DatabaseClock.h"

#include "SignalWatcher.h"
#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QInputDialog>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QSystemTrayIcon>

#include <optional>

#include <pwd.h>
#include <unistd.h>

using namespace jc;

namespace {

Q_LOGGING_CATEGORY(lcConsole, "jc.console", QtInfoMsg)

QString osUser()
{
    if (const passwd *entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

int failWithDialog(const QString &title, const QString &message)
{
    QMessageBox box(QMessageBox::Critical, title, message, QMessageBox::Close);
    box.setWindowIcon(QIcon(QStringLiteral(":/icons/jobconsole.svg")));
    box.exec();
    return 1;
}

// What the command line asked for.
struct Options
{
    QString db;
    bool demo = false;
    ConsoleDatabase::Jobs jobs = ConsoleDatabase::Jobs::AsChosen;
};

void nameTheProgram()
{
    // The same names as jobctl: both find the same default database and settings.
    QCoreApplication::setApplicationName(QStringLiteral("jobconsole"));
    QCoreApplication::setOrganizationName(QStringLiteral("JobConsole"));
    QCoreApplication::setApplicationVersion(QStringLiteral(JOBCONSOLE_VERSION));
}

void nameTheApplication()
{
    nameTheProgram();
    QApplication::setApplicationDisplayName(QObject::tr("Job Console"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/jobconsole.svg")));
    QApplication::setDesktopFileName(QStringLiteral("jobconsole"));
}

// The options, or nullopt after saying what contradicts what (--help and --version exit in
// process()).
std::optional<Options> parseOptions(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QObject::tr("Job Console: watch and run the web application's maintenance jobs."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        QObject::tr("The database: sqlite:/path/file.db, a plain path, "
                    "postgresql://user@host:port/dbname or mysql://user@host:port/dbname "
                    "(default: $JOBCONSOLE_DB, then the console's settings, then the demo "
                    "database)."),
        QStringLiteral("URL"));
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QObject::tr("Open the demo database (created with demo data on first use in the "
                    "user's data folder), whatever is configured."));
    const QCommandLineOption watchOption(
        QStringLiteral("watch-only"),
        QObject::tr("Run no jobs here this time: only show what the instances sharing the "
                    "database do."));
    const QCommandLineOption runOption(
        QStringLiteral("run-jobs"),
        QObject::tr("Run the database's scheduled jobs here without asking, and keep that as "
                    "the choice for this database."));
    parser.addOptions({dbOption, demoOption, watchOption, runOption});
    parser.process(app);
    if (parser.isSet(watchOption) && parser.isSet(runOption)) {
        qCCritical(lcConsole) << "--watch-only and --run-jobs contradict each other";
        return std::nullopt;
    }
    // Whether jobs run here is decided per database (ConsoleDatabase): a database this console
    // did not create is watched until the admin chooses.
    const auto jobs = parser.isSet(watchOption) ? ConsoleDatabase::Jobs::WatchOnly
                      : parser.isSet(runOption) ? ConsoleDatabase::Jobs::RunHere
                                                : ConsoleDatabase::Jobs::AsChosen;
    return Options{parser.value(dbOption), parser.isSet(demoOption), jobs};
}

// Without a keychain, a database password is asked once and kept until the console quits.
void askForPasswordsWithoutAKeychain(PasswordVault &vault)
{
    vault.setAskPassword([](const QString &key) -> std::optional<QString> {
        bool given = false;
        const QString password = QInputDialog::getText(
            nullptr, QObject::tr("Database password"),
            QObject::tr("No keychain is available: the password for %1 is kept only until "
                        "Job Console quits.")
                .arg(key),
            QLineEdit::Password, {}, &given);
        return given ? std::optional<QString>(password) : std::nullopt;
    });
}

// The scheduler of the database's jobs, started; null (after saying why) when it could not
// start, and the console only watches.
std::unique_ptr<JobRuntime> startJobs(const std::shared_ptr<ConnectionFactory> &database,
                                      DatabaseClock &clock, const QTimeZone &zone)
{
    JobRuntime::Options options;
    options.zone = zone; // the catalog's jobs: the runtime follows their stored settings
    options.mode = QStringLiteral("console");
    options.databaseClock = &clock;
    auto created = JobRuntime::create(database, clock, options);
    if (!created) {
        QMessageBox::warning(nullptr, QObject::tr("Job Console runs no jobs"),
                             QObject::tr("The scheduler could not start, so this console only "
                                         "watches:\n\n%1")
                                 .arg(created.error()));
        return nullptr;
    }
    std::unique_ptr<JobRuntime> runtime = std::move(created).value();
    runtime->scheduler().start();
    return runtime;
}

// What the main window is given: the opened database, its clock and zone, the scheduler
// running here (null: watch only), the console's settings and password vault.
ConsoleSetup consoleSetup(const ConsoleDatabase::Opened &opened, const Clock &clock,
                          const QTimeZone &zone, JobRuntime *runtime, ConsoleSettings &settings,
                          PasswordVault &vault)
{
    const auto &database = opened.database;
    ConsoleSetup setup;
    setup.database = database;
    setup.databaseText =
        ConsoleStatusBar::describe(database->url()) +
        (opened.readOnlyReason.isEmpty() ? QString() : QObject::tr(" (read-only)"));
    setup.readOnlyReason = opened.readOnlyReason;
    setup.clock = &clock;
    setup.jobs = JobCatalog::configuredJobs(database, zone);
    setup.zone = zone;
    setup.runtime = runtime;
    setup.settings = &settings;
    setup.vault = &vault;
    setup.user = osUser();
    setup.demo = opened.demo;
    return setup;
}

// --help and --version print text only: they are answered without a QApplication, which
// aborts where there is no display (a server, an ssh session).
bool asksForTextOnly(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        if (argument == "-h" || argument == "--help" || argument == "--help-all" ||
            argument == "-v" || argument == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    if (asksForTextOnly(argc, argv)) {
        QCoreApplication text(argc, argv);
        nameTheProgram();
        return parseOptions(text) ? 0 : 2; // process() prints and exits
    }
    QApplication app(argc, argv);
    nameTheApplication();
    const std::optional<Options> options = parseOptions(app);
    if (!options)
        return 2;

    // SIGTERM (a logout, systemd, kill) and SIGINT end the console as Quit does, without
    // asking: the runs here are stopped in their deadline and the instance withdraws from
    // jc_instances, instead of leaving its runs for the lease to expire. Watched from before
    // the database is opened: a signal during start-up (after the instance has registered,
    // before the window shows) must not kill the process with its instance row left behind.
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::stopRequested, qApp, [](int signalNumber) {
        qCInfo(lcConsole) << "signal" << signalNumber << "received; quitting";
        QCoreApplication::quit();
    });
    // This thread paints and answers the admin: the runs, their journal and the window's
    // database reads make way for it when the cores are busy.
    BackgroundPriority::setNiceIncrement(BackgroundPriority::desktopIncrement);

    ConsoleSettings settings;
    TimeDisplay::setZone(settings.displayZone());
    PasswordVault vault;
    askForPasswordsWithoutAKeychain(vault);
    // A console that runs no jobs opens the database as a reader: never migrated, read-only
    // where this user may not write.
    const auto openDemo = [] { return DemoDatabase::open(DemoDatabase::defaultFolder()); };
    const auto opened =
        ConsoleDatabase::open(options->db, options->demo, openDemo, settings, vault, options->jobs);
    if (!opened)
        return failWithDialog(QObject::tr("Job Console cannot open the database"),
                              opened.error() +
                                  QObject::tr("\n\nStart it with --db URL to open another "
                                              "database, or --demo for the demo database "
                                              "(jobconsole --help lists the forms)."));
    const auto &database = opened->database;
    // The settings dialog's "run scheduled jobs in this console" is about this database now.
    settings.setCurrentDatabase(ConsoleSettings::databaseKey(database->url()));

    SystemClock systemClock;
    DatabaseClock clock(systemClock); // the server's time, on PostgreSQL and MySQL
    clock.align(*database);
    const QTimeZone zone = QTimeZone::systemTimeZone();
    const std::unique_ptr<JobRuntime> runtime =
        opened->runsJobs ? startJobs(database, clock, zone) : nullptr;

    const ConsoleSetup setup = consoleSetup(*opened, clock, zone, runtime.get(), settings, vault);
    // With jobs running here and a tray to live in, closing the window keeps them running.
    QApplication::setQuitOnLastWindowClosed(
        !(runtime && settings.closeToTray() && QSystemTrayIcon::isSystemTrayAvailable()));
    int status = 0;
    if (!watcher.signalled()) { // a signal in a start-up dialog: quit() had no loop to end
        MainWindow window(setup);
        window.show();
        status = QApplication::exec();
    }
    if (runtime)
        runtime->scheduler().stop(std::chrono::seconds(30));
    return status;
}
