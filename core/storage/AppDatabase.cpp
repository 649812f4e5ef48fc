#include "storage/AppDatabase.h"

#include "storage/Migrator.h"

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
        return url.error();
    return open(url.value(), access, ifMissing);
}

Expected<std::shared_ptr<ConnectionFactory>, QString>
AppDatabase::open(const DatabaseUrl &url, Access access, IfMissing ifMissing)
{
    // A SQLite file is looked at through a read-only connection first: a writable connection
    // switches the file to WAL as it opens, which would change another program's file.
    if (url.dialect() == SqlDialect::Sqlite && QFileInfo::exists(url.filePath())) {
        if (auto refused = refuseForeign(url))
            return *refused;
    }
    ConnectionOptions options;
    // Also for the connections other threads open later: a file removed meanwhile is not
    // silently created again as an empty database.
    options.createMissingSqliteFile = ifMissing == IfMissing::Create;
    auto factory = std::make_shared<ConnectionFactory>(url, options);
    const auto db = factory->connectionForCurrentThread();
    if (!db)
        return db.error();
    const Migrator migrator;
    // PostgreSQL: connecting changed nothing, so the connection itself is asked.
    if (auto foreign = migrator.foreignDatabase(db.value()))
        return *foreign;
    if (access == Access::Connect)
        return factory;
    // Checked first, so that a read-only database says so before anything else is tried.
    if (access == Access::ReadWrite) {
        if (auto refused = migrator.checkWritable(db.value()))
            return *refused;
    }
    const auto migrated = migrator.migrate(db.value());
    if (!migrated)
        return migrated.error();
    return factory;
}

} // namespace jc
