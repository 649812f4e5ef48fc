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
                                                                        bool migrate)
{
    const auto url = DatabaseUrl::parse(urlText);
    if (!url)
        return url.error();
    return open(url.value(), migrate);
}

Expected<std::shared_ptr<ConnectionFactory>, QString> AppDatabase::open(const DatabaseUrl &url,
                                                                        bool migrate)
{
    auto factory = std::make_shared<ConnectionFactory>(url);
    const auto db = factory->connectionForCurrentThread();
    if (!db)
        return db.error();
    if (migrate) {
        const auto migrated = Migrator().migrate(db.value());
        if (!migrated)
            return migrated.error();
    }
    return factory;
}

} // namespace jc
