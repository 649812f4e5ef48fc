#include "storage/AppDatabase.h"

#include "storage/Migrator.h"
#include "storage/StorageLog.h"

#include <QDir>
#include <QFileInfo>

namespace jc {

namespace {

// The refusal of another program's SQLite file (Migrator::foreignDatabase), read through a
// read-only connection that is closed again.
std::optional<QString> refuseForeign(const DatabaseUrl &url)
{
    ConnectionOptions readOnly;
    readOnly.readOnly = true;
    readOnly.createMissingSqliteFile = false;
    ConnectionFactory probe(url, readOnly);
    const auto db = probe.connectionForCurrentThread();
    if (!db)
        return db.error();
    return Migrator().foreignDatabase(db.value());
}

// What a reader says of a database it will not migrate: how to bring it up to date.
QString migrateAdvice(const DatabaseUrl &url)
{
    const QString command = url.isDefaultLocation() ? QStringLiteral("jobctl migrate")
                                                    : QStringLiteral("jobctl --db %1 migrate")
                                                          .arg(url.dialect() == SqlDialect::Sqlite
                                                                   ? url.filePath()
                                                                   : url.toDisplayString());
    return QStringLiteral("run `%1` as a user who may change it. Nothing was changed.")
        .arg(command);
}

QString describeDatabase(const DatabaseUrl &url)
{
    return QStringLiteral("The %1 database %2")
        .arg(displayName(url.dialect()),
             url.dialect() == SqlDialect::Sqlite ? url.filePath() : url.toDisplayString());
}

// Whether a reader may use `db` as it is: not another program's, and neither older nor newer
// than this program's schema. Only reads.
std::optional<QString> checkReadable(const DatabaseUrl &url, const QSqlDatabase &db)
{
    const Migrator migrator;
    if (auto foreign = migrator.foreignDatabase(db))
        return foreign;
    const auto version = migrator.currentVersion(db);
    if (!version)
        return version.error();
    if (*version > migrator.latestVersion())
        return migrator.migrate(db).error(); // refused, naming both versions; writes nothing
    if (*version == migrator.latestVersion())
        return std::nullopt;
    const bool empty = db.tables(QSql::Tables).isEmpty();
    if (empty) {
        return QStringLiteral("%1 has no tables yet: to create Job Console's, %2")
            .arg(describeDatabase(url), migrateAdvice(url));
    }
    const QString has = *version == 0 ? QStringLiteral("has the app's tables but not yet Job "
                                                       "Console's (schema version 0")
                                      : QStringLiteral("has schema version %1 (").arg(*version);
    return QStringLiteral("%1 %2, older than version %3 this program needs); a reader does not "
                          "migrate it: %4")
        .arg(describeDatabase(url), has)
        .arg(migrator.latestVersion())
        .arg(migrateAdvice(url));
}

// Whether a SQLite file in WAL mode may be read as it is (ConnectionOptions::sqliteImmutable):
// no writer has it open (a writer keeps the -shm file; a -wal with data holds commits not yet
// in the file).
bool nobodyHasItOpen(const DatabaseUrl &url)
{
    const QString path = url.filePath();
    const QFileInfo wal(path + QStringLiteral("-wal"));
    return !QFileInfo::exists(path + QStringLiteral("-shm")) && (!wal.exists() || wal.size() == 0);
}

// `snapshot`: a WAL file SQLite cannot open read-only (its folder does not let this user
// create the shared-memory file) is read as it is when nobody has it open. For one-time
// readers only (jobctl list, history): a console that watches for long would not see a writer
// that starts later.
Expected<std::shared_ptr<ConnectionFactory>, QString> openReader(const DatabaseUrl &url,
                                                                 bool snapshot)
{
    ConnectionOptions options;
    options.readOnly = true;
    options.createMissingSqliteFile = false;
    auto factory = std::make_shared<ConnectionFactory>(url, options);
    const auto db = factory->connectionForCurrentThread();
    if (!db && snapshot && url.dialect() == SqlDialect::Sqlite && nobodyHasItOpen(url)) {
        options.sqliteImmutable = true;
        auto immutable = std::make_shared<ConnectionFactory>(url, options);
        if (const auto opened = immutable->connectionForCurrentThread()) {
            qCInfo(lcStorage).noquote()
                << "reading" << url.filePath()
                << "as it is: SQLite cannot open it read-only in a folder this user may not "
                   "write, and nobody has it open";
            if (auto refused = checkReadable(url, opened.value()))
                return Unexpected(*refused);
            return immutable;
        }
    }
    if (!db)
        return Unexpected(db.error());
    if (auto refused = checkReadable(url, db.value()))
        return Unexpected(*refused);
    return factory;
}

// Inspect: read-only connections and no schema check, for a look at what migrating would do.
Expected<std::shared_ptr<ConnectionFactory>, QString> openInspector(const DatabaseUrl &url)
{
    ConnectionOptions options;
    options.readOnly = true;
    options.createMissingSqliteFile = false;
    auto factory = std::make_shared<ConnectionFactory>(url, options);
    const auto db = factory->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    return factory;
}

// Watch: the reader's factory, or one that may write when this user may write the database.
// A SQLite file or folder this user may not write is read-only without trying (a writable
// connection would try to switch its journal mode as it opens); otherwise a rolled-back
// write decides.
Expected<std::shared_ptr<ConnectionFactory>, QString> openWatcher(const DatabaseUrl &url)
{
    auto reader = openReader(url, false);
    if (!reader && url.dialect() == SqlDialect::Sqlite) {
        // jobctl reads such a file as it is (a snapshot); a console that watches for hours
        // must see the writers that come, which takes SQLite's shared-memory file.
        const QFileInfo file(url.filePath());
        if (file.exists() && !QFileInfo(file.absolutePath()).isWritable()) {
            return Unexpected(
                QStringLiteral(
                    "Cannot watch the SQLite database %1: its folder %2 is not writable for this "
                    "user, and SQLite reads a database that others may write (WAL) only through "
                    "a shared-memory file it creates beside it (%3-shm). Make the folder writable "
                    "for this user, or read the database as it is with `jobctl list` and `jobctl "
                    "history`. (%4)")
                    .arg(QDir::toNativeSeparators(file.absoluteFilePath()),
                         QDir::toNativeSeparators(file.absolutePath()), file.fileName(),
                         reader.error()));
        }
    }
    if (!reader)
        return reader;
    if (url.dialect() == SqlDialect::Sqlite) {
        const QFileInfo file(url.filePath());
        if (!file.isWritable() || !QFileInfo(file.absolutePath()).isWritable())
            return reader;
    }
    ConnectionOptions options;
    options.createMissingSqliteFile = false;
    auto writer = std::make_shared<ConnectionFactory>(url, options);
    const auto db = writer->connectionForCurrentThread();
    if (!db || Migrator().checkWritable(db.value()))
        return reader;
    return writer;
}

} // namespace

QString AppDatabase::resolveUrlText(const QString &explicitUrl)
{
    if (!explicitUrl.isEmpty())
        return explicitUrl;
    return qEnvironmentVariable("JOBCONSOLE_DB");
}

Expected<std::shared_ptr<ConnectionFactory>, QString>
AppDatabase::open(const QString &urlText, Access access, IfMissing ifMissing)
{
    const auto url = DatabaseUrl::parse(urlText);
    if (!url)
        return Unexpected(url.error());
    return open(url.value(), access, ifMissing);
}

Expected<std::shared_ptr<ConnectionFactory>, QString>
AppDatabase::open(const DatabaseUrl &url, Access access, IfMissing ifMissing)
{
    if (access == Access::Read)
        return openReader(url, true);
    if (access == Access::Inspect)
        return openInspector(url);
    if (access == Access::Watch)
        return openWatcher(url);
    // A SQLite file is looked at through a read-only connection first: a writable connection
    // switches the file to WAL as it opens, which would change another program's file.
    if (url.dialect() == SqlDialect::Sqlite && QFileInfo::exists(url.filePath())) {
        if (auto refused = refuseForeign(url))
            return Unexpected(*refused);
    }
    ConnectionOptions options;
    // Also for the connections other threads open later: a file removed meanwhile is not
    // silently created again as an empty database.
    options.createMissingSqliteFile = ifMissing == IfMissing::Create;
    auto factory = std::make_shared<ConnectionFactory>(url, options);
    const auto db = factory->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    const Migrator migrator;
    // PostgreSQL: connecting changed nothing, so the connection itself is asked.
    if (auto foreign = migrator.foreignDatabase(db.value()))
        return Unexpected(*foreign);
    if (access == Access::Connect)
        return factory;
    // Checked first, so that a read-only database says so before anything else is tried.
    if (auto refused = migrator.checkWritable(db.value()))
        return Unexpected(*refused);
    const auto migrated = migrator.migrate(db.value());
    if (!migrated)
        return Unexpected(migrated.error());
    return factory;
}

} // namespace jc
