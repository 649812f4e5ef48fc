#include "storage/AppDatabase.h"

#include "storage/Migrator.h"

namespace jc {

QString AppDatabase::resolveUrlText(const QString &explicitUrl)
{
    if (!explicitUrl.isEmpty())
        return explicitUrl;
    return qEnvironmentVariable("JOBCONSOLE_DB");
}

Expected<std::shared_ptr<ConnectionFactory>, QString> AppDatabase::open(const QString &urlText,
                                                                        Access access)
{
    const auto url = DatabaseUrl::parse(urlText);
    if (!url)
        return url.error();
    return open(url.value(), access);
}

Expected<std::shared_ptr<ConnectionFactory>, QString> AppDatabase::open(const DatabaseUrl &url,
                                                                        Access access)
{
    auto factory = std::make_shared<ConnectionFactory>(url);
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
