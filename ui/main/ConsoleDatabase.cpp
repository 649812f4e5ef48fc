#include "main/ConsoleDatabase.h"

#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"
#include "storage/AppDatabase.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace jc {

namespace {

QString readOnlyReason(const ConnectionFactory &database)
{
    if (!database.options().readOnly)
        return {};
    return QObject::tr("the database is read-only for this user: this console can only show "
                       "what happens in it");
}

} // namespace

Expected<ConsoleDatabase::Opened, QString> ConsoleDatabase::open(const QString &givenUrl, bool demo,
                                                                 const DemoOpener &openDemo,
                                                                 ConsoleSettings &settings,
                                                                 PasswordVault &vault, Jobs jobs)
{
    const QString urlText = demo ? QString() : AppDatabase::resolveUrlText(givenUrl);
    if (!urlText.isEmpty()) {
        const auto url = DatabaseUrl::parse(urlText);
        if (!url)
            return Unexpected(url.error());
        return openUrl(url.value(), settings, jobs);
    }
    const QString configured = demo ? QString() : settings.databaseUrl();
    if (!configured.isEmpty())
        return openConfigured(configured, settings, vault, jobs);
    auto database = openDemo();
    if (!database)
        return Unexpected(database.error());
    // The demo's data and uploads are this console's own: never asked.
    const bool runs = chosen(database.value()->url(), true, settings, jobs).value_or(true);
    return Opened{std::move(database).value(), true, false, runs, {}};
}

std::optional<QString> ConsoleDatabase::reach(const DatabaseUrl &url)
{
    const QString where =
        QStringLiteral("%1 port %2")
            .arg(url.host().isEmpty() ? QObject::tr("the local socket") : url.host())
            .arg(url.port());
    QProgressDialog dialog(QObject::tr("Connecting to %1 at %2, database %3…")
                               .arg(displayName(url.dialect()), where, url.databaseName()),
                           QObject::tr("Cancel"), 0, 0);
    dialog.setObjectName(QStringLiteral("connectingDialog"));
    dialog.setWindowTitle(QObject::tr("Job Console"));
    dialog.setWindowModality(Qt::ApplicationModal);
    dialog.setMinimumDuration(0);
    dialog.show();

    // The attempt runs on a pool thread with its own connection, closed there. libpq's
    // connect_timeout, a second longer than the console waits (so that the console's own
    // message wins the race), ends it soon after the console stops waiting for it.
    QFutureWatcher<std::optional<QString>> attempt;
    QEventLoop loop;
    QObject::connect(&attempt, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QObject::connect(&dialog, &QProgressDialog::canceled, &loop, &QEventLoop::quit);
    QTimer limit;
    limit.setSingleShot(true);
    QObject::connect(&limit, &QTimer::timeout, &loop, &QEventLoop::quit);
    attempt.setFuture(QtConcurrent::run([url]() -> std::optional<QString> {
        ConnectionOptions options;
        options.postgresConnectTimeout = connectLimit + std::chrono::seconds(1);
        ConnectionFactory probe(url, options);
        const auto db = probe.connectionForCurrentThread();
        return db ? std::nullopt : std::optional<QString>(db.error());
    }));
    limit.start(connectLimit);
    loop.exec();
    if (attempt.isFinished())
        return attempt.result();
    if (dialog.wasCanceled())
        return QObject::tr("Connecting to %1 at %2 was cancelled.")
            .arg(displayName(url.dialect()), where);
    return QObject::tr("%1 at %2 did not answer within %3 s: check that the server is "
                       "running, that host and port in the URL are right, and that no firewall "
                       "drops the connection.")
        .arg(displayName(url.dialect()), where)
        .arg(connectLimit.count());
}

bool ConsoleDatabase::askToCreate(const DatabaseUrl &url)
{
    QMessageBox box(
        QMessageBox::Question, QObject::tr("No database there"),
        QObject::tr("There is no database at %1.").arg(QDir::toNativeSeparators(url.filePath())));
    box.setInformativeText(
        QObject::tr("Create a new, empty Job Console database there, or cancel and check the "
                    "path (--db, JOBCONSOLE_DB or File → Settings)."));
    QPushButton *create =
        box.addButton(QObject::tr("Create a new database here"), QMessageBox::AcceptRole);
    create->setObjectName(QStringLiteral("createDatabaseButton"));
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    // A typo must not become a database by pressing Enter.
    box.setDefaultButton(cancel);
    box.exec();
    return box.clickedButton() == create;
}

bool ConsoleDatabase::askToRunJobs(const DatabaseUrl &url)
{
    const QString where = url.dialect() == SqlDialect::Sqlite
                              ? QDir::toNativeSeparators(url.filePath())
                              : url.toDisplayString();
    QMessageBox box(QMessageBox::Question, QObject::tr("Run jobs on this computer?"),
                    QObject::tr("Run the scheduled jobs of %1 on this computer?").arg(where));
    box.setInformativeText(QObject::tr(
        "This console did not create this database: a server or another console may run its "
        "jobs already, and some jobs (the uploads cleanup) work on files of the computer they "
        "run on. Until you choose, this console only watches. The answer is kept for this "
        "database; File → Settings → Scheduler changes it."));
    QPushButton *run = box.addButton(QObject::tr("Run jobs here"), QMessageBox::AcceptRole);
    run->setObjectName(QStringLiteral("runJobsHereButton"));
    QPushButton *watch = box.addButton(QObject::tr("Only watch"), QMessageBox::RejectRole);
    watch->setObjectName(QStringLiteral("watchOnlyButton"));
    box.setDefaultButton(watch);
    box.setEscapeButton(watch);
    box.exec();
    return box.clickedButton() == run;
}

std::optional<bool> ConsoleDatabase::chosen(const DatabaseUrl &url, bool local,
                                            ConsoleSettings &settings, Jobs jobs)
{
    if (jobs == Jobs::WatchOnly)
        return false;
    const QString key = ConsoleSettings::databaseKey(url);
    if (jobs == Jobs::RunHere) {
        settings.setRunJobsOn(key, true);
        settings.sync();
        return true;
    }
    if (const auto stored = settings.runJobsOn(key))
        return stored;
    // The general setting: watch only, everywhere; or run where it is this console's own.
    if (!settings.runJobsHere())
        return false;
    if (local)
        return true;
    return std::nullopt;
}

bool ConsoleDatabase::askAndKeep(const DatabaseUrl &url, ConsoleSettings &settings)
{
    const bool run = askToRunJobs(url);
    settings.setRunJobsOn(ConsoleSettings::databaseKey(url), run);
    settings.sync();
    return run;
}

Expected<ConsoleDatabase::Opened, QString>
ConsoleDatabase::openUrl(const DatabaseUrl &url, ConsoleSettings &settings, Jobs jobs)
{
    const bool sqlite = url.dialect() == SqlDialect::Sqlite;
    if (!sqlite) {
        if (auto unreachable = reach(url))
            return Unexpected(*unreachable);
    }
    if (sqlite && !QFileInfo::exists(url.filePath())) {
        // Creating it there could not work: said at once, not after the offer to create.
        if (const QFileInfo folder(QFileInfo(url.filePath()).absolutePath()); !folder.isDir()) {
            return Unexpected(
                QObject::tr("There is no database at %1, and its folder %2 does not exist: "
                            "check the path (--db, JOBCONSOLE_DB or File → Settings), or create "
                            "the folder first.")
                    .arg(QDir::toNativeSeparators(url.filePath()),
                         QDir::toNativeSeparators(folder.absoluteFilePath())));
        }
        if (!askToCreate(url)) {
            return Unexpected(
                QObject::tr("The SQLite database %1 does not exist. Nothing was created.")
                    .arg(QDir::toNativeSeparators(url.filePath())));
        }
        auto created =
            AppDatabase::open(url, AppDatabase::Access::ReadWrite, AppDatabase::IfMissing::Create);
        if (!created)
            return Unexpected(created.error());
        settings.addCreatedHere(url.filePath());
        settings.sync();
        const bool runs = chosen(url, true, settings, jobs).value_or(true);
        return Opened{std::move(created).value(), false, true, runs, {}};
    }
    auto runs = chosen(url, sqlite && settings.createdHere(url.filePath()), settings, jobs);
    if (!runs) {
        // Asked only about a database that opens and is an app database: connecting (and
        // refusing another program's) first, changing nothing. One this user may only read
        // leaves nothing to choose: it is watched, and nothing is kept.
        const auto reachable = AppDatabase::open(url, AppDatabase::Access::Connect);
        if (!reachable)
            return Unexpected(reachable.error());
        if (auto readOnly = openReadOnly(url))
            return std::move(*readOnly);
        runs = askAndKeep(url, settings);
    }
    auto database =
        AppDatabase::open(url, *runs ? AppDatabase::Access::ReadWrite : AppDatabase::Access::Watch);
    if (!database && *runs) {
        // Chosen to run its jobs here once, and this user may now only read it (permissions
        // changed, a standby): watched, saying why, rather than not opened at all, which also
        // kept File → Settings, where the choice is changed, out of reach.
        if (auto readOnly = openReadOnly(url))
            return std::move(*readOnly);
    }
    if (!database)
        return Unexpected(database.error());
    const QString why = readOnlyReason(*database.value());
    return Opened{std::move(database).value(), false, false, *runs, why};
}

std::optional<ConsoleDatabase::Opened> ConsoleDatabase::openReadOnly(const DatabaseUrl &url)
{
    auto watched = AppDatabase::open(url, AppDatabase::Access::Watch);
    if (!watched)
        return std::nullopt;
    const QString why = readOnlyReason(*watched.value());
    if (why.isEmpty())
        return std::nullopt;
    return Opened{std::move(watched).value(), false, false, false, why};
}

Expected<ConsoleDatabase::Opened, QString>
ConsoleDatabase::openConfigured(const QString &urlText, ConsoleSettings &settings,
                                PasswordVault &vault, Jobs jobs)
{
    auto url = DatabaseUrl::parse(urlText);
    if (!url)
        return Unexpected(
            QObject::tr("The database in the console's settings: %1").arg(url.error()));
    if (url->dialect() != SqlDialect::Sqlite && url->password().isEmpty()) {
        // The keychain answers asynchronously (it may show an unlock prompt): wait for it here,
        // before the window exists. No password stored: the client library's own sources
        // (PGPASSWORD, ~/.pgpass; MYSQL_PWD, ~/.my.cnf) still apply.
        QEventLoop loop;
        PasswordVault::ReadResult result;
        vault.read(PasswordVault::keyFor(url.value()), &loop, [&](PasswordVault::ReadResult read) {
            result = std::move(read);
            loop.quit();
        });
        loop.exec();
        if (!result.password.isEmpty())
            url = url->withPassword(result.password);
    }
    return openUrl(url.value(), settings, jobs);
}

} // namespace jc
