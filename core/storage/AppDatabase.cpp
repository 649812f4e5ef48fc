#include "storage/AppDatabase.h"

#include "storage/Migrator.h"

namespace jc {

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
    ConnectionOptions options;
    // Also for the connections other threads open later: a file removed meanwhile is not
    // silently created again as an empty database.
    options.createMissingSqliteFile = ifMissing == IfMissing::Create;
    auto factory = std::make_shared<ConnectionFactory>(url, options);
    const auto db = factory->connectionForCurrentThread();
    if (!db)
        return db.error();
    if (access == Access::Connect)
        return factory;
    const Migrator migrator;
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
