#include "storage/SqliteConnector.h"

#include "storage/SqlErrors.h"
#include "storage/SqliteResultCode.h"
#include "storage/StorageLog.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <chrono>

namespace jc {

namespace {

QString chooseAnother()
{
    return QStringLiteral("choose another location with --db or JOBCONSOLE_DB");
}

std::optional<QString> createFolder(const QDir &folder, bool isDefaultLocation)
{
    if (folder.exists())
        return std::nullopt;
    if (!isDefaultLocation) {
        return QStringLiteral("The folder %1 of the SQLite database does not exist: create it, "
                              "or %2.")
            .arg(QDir::toNativeSeparators(folder.path()), chooseAnother());
    }
    if (QDir().mkpath(folder.path()))
        return std::nullopt;
    return QStringLiteral("Cannot create the folder %1 for the SQLite database: check the "
                          "permissions of its parent folder, or %2.")
        .arg(QDir::toNativeSeparators(folder.path()), chooseAnother());
}

std::optional<QString> createEmptyFile(const QString &path)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly) || QFileInfo::exists(path))
        return std::nullopt; // exists now: another thread or process was faster
    return QStringLiteral("Cannot create the SQLite database %1 (%2): make its folder writable "
                          "for this user, or %3.")
        .arg(QDir::toNativeSeparators(path), file.errorString(), chooseAnother());
}

int primaryCode(const QSqlError &error)
{
    return error.nativeErrorCode().toInt() & 0xff;
}

// openFailed()'s words, for the steps after the open too.
QString failureText(const DatabaseUrl &url, const QSqlError &error);

// Switching a file to WAL takes its exclusive lock, and SQLite answers "database is locked"
// at once, without waiting in its busy handler, while any other connection holds a read
// lock: three `jobctl serve` opening a new database together failed so, one process in 40
// under load. So the switch is tried again here, for as long as the busy timeout allows;
// another connection may switch the file meanwhile, which is as good. `pragma` reads or sets
// the journal mode; `mode`: the mode it answers (the one in force).
std::optional<QString> journalMode(QSqlDatabase &db, const DatabaseUrl &url, const QString &pragma,
                                   std::chrono::milliseconds patience, QString &mode)
{
    const QDeadlineTimer deadline(patience);
    std::chrono::milliseconds pause(2);
    for (;;) {
        QSqlQuery query(db);
        if (query.exec(pragma)) {
            mode = query.next() ? query.value(0).toString() : QString();
            return std::nullopt;
        }
        if (primaryCode(query.lastError()) != SqliteResultCode::Busy || deadline.hasExpired())
            return failureText(url, query.lastError());
        query.finish();
        QThread::msleep(static_cast<unsigned long>(
            std::min<qint64>(pause.count(), std::max<qint64>(deadline.remainingTime(), 0))));
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
}

std::optional<QString> runPragma(QSqlDatabase &db, const DatabaseUrl &url, const QString &sql)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return std::nullopt;
    return failureText(url, query.lastError());
}

QString missingFile(const DatabaseUrl &url)
{
    const QString path = QDir::toNativeSeparators(url.filePath());
    if (url.isDefaultLocation()) {
        return QStringLiteral("The database at the default location %1 does not exist yet: "
                              "create it with `jobctl migrate` (or `jobctl seed --demo` for demo "
                              "data), or name the database to open with --db or JOBCONSOLE_DB. "
                              "Nothing was created.")
            .arg(path);
    }
    return QStringLiteral("The SQLite database %1 does not exist: check the path given with "
                          "--db or JOBCONSOLE_DB, or create a new database there with `jobctl "
                          "--db %1 migrate`. Nothing was created.")
        .arg(path);
}

} // namespace

std::optional<QString> SqliteConnector::prepare(const DatabaseUrl &url,
                                                const ConnectionOptions &options) const
{
    const QFileInfo file(url.filePath());
    const QString nativePath = QDir::toNativeSeparators(file.filePath());
    if (file.isDir()) {
        return QStringLiteral("%1 is a folder, not a SQLite database file: name a file in it.")
            .arg(nativePath);
    }
    // A device or a pipe (/dev/null) opens as an empty database, which would be offered a
    // `migrate` that can never work.
    if (file.exists() && !file.isFile()) {
        return QStringLiteral("%1 is not a regular file, so it cannot hold a SQLite database: "
                              "name a database file.")
            .arg(nativePath);
    }
    // An existing file this user may only read is opened: reading it (jobctl list, history) is
    // fine, and a writer is refused by its first write (Migrator::checkWritable), which names
    // the file and says what to do.
    if (file.exists())
        return std::nullopt;
    if (!options.createMissingSqliteFile)
        return missingFile(url);
    if (auto error = createFolder(file.absoluteDir(), url.isDefaultLocation()))
        return error;
    return createEmptyFile(file.filePath());
}

void SqliteConnector::configure(QSqlDatabase &db, const DatabaseUrl &url,
                                const ConnectionOptions &options) const
{
    QString connectOptions =
        QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(options.sqliteBusyTimeout.count());
    if (options.readOnly)
        connectOptions += QStringLiteral(";QSQLITE_OPEN_READONLY");
    if (options.readOnly && options.sqliteImmutable) {
        db.setDatabaseName(QStringLiteral("file:%1?immutable=1")
                               .arg(QString::fromLatin1(QUrl::toPercentEncoding(
                                   url.filePath(), QByteArrayLiteral("/")))));
        connectOptions += QStringLiteral(";QSQLITE_OPEN_URI");
    } else {
        db.setDatabaseName(url.filePath());
    }
    db.setConnectOptions(connectOptions);
}

std::optional<QString> SqliteConnector::setUp(QSqlDatabase &db, const DatabaseUrl &url,
                                              const ConnectionOptions &options) const
{
    // SQLite reads the file lazily: this first read is where a file that is not a database
    // is found out.
    for (const char *sql : {"SELECT count(*) FROM sqlite_master", "PRAGMA foreign_keys=ON",
                            "PRAGMA synchronous=NORMAL"}) {
        if (auto error = runPragma(db, url, QLatin1String(sql)))
            return error;
    }
    // Switched only when not in WAL yet: switching is a write, and a file this user may only
    // read is opened to be read (the mode is stored in the file, so it stays WAL).
    // The pragma answers with the mode in force, whether it was set or only read.
    QString mode;
    if (auto error = journalMode(db, url, QStringLiteral("PRAGMA journal_mode"), {}, mode))
        return error;
    if (options.readOnly)
        return std::nullopt;
    if (mode != QLatin1String("wal")) {
        if (auto error = journalMode(db, url, QStringLiteral("PRAGMA journal_mode=WAL"),
                                     options.sqliteBusyTimeout, mode))
            return error;
    }
    if (mode != QLatin1String("wal")) {
        qCWarning(lcStorage) << "SQLite database" << url.filePath() << "stays in journal mode"
                             << mode
                             << "(WAL needs a local file system): writers will block readers";
    }
    return std::nullopt;
}

QString SqliteConnector::openFailed(const DatabaseUrl &url, const QSqlError &error) const
{
    return failureText(url, error);
}

namespace {

QString failureText(const DatabaseUrl &url, const QSqlError &error)
{
    const QString path = QDir::toNativeSeparators(url.filePath());
    switch (primaryCode(error)) {
    case SqliteResultCode::NotADatabase:
        return QStringLiteral("%1 is not a SQLite database (file is not a database): point to "
                              "the right file, or move this one away to start a new database.")
            .arg(path);
    case SqliteResultCode::ReadOnly:
        return QStringLiteral("The SQLite database %1 is read-only (%2): make the file and its "
                              "folder writable for this user, or %3.")
            .arg(path, SqlErrors::text(error), chooseAnother());
    case SqliteResultCode::Busy:
        return QStringLiteral("The SQLite database %1 stayed locked by another connection for "
                              "longer than the busy timeout (%2): try again, or find the program "
                              "that holds it (fuser %1).")
            .arg(path, SqlErrors::text(error));
    case SqliteResultCode::CantOpen:
        return QStringLiteral("Cannot open the SQLite database %1 (%2): check that the file and "
                              "its folder exist and are readable and writable, or %3.")
            .arg(path, SqlErrors::text(error), chooseAnother());
    default:
        return QStringLiteral("Cannot use the SQLite database %1: %2.")
            .arg(path, SqlErrors::text(error));
    }
}

} // namespace

} // namespace jc
