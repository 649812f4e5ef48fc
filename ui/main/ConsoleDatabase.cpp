#include "main/ConsoleDatabase.h"

#include "seed/DemoDatabase.h"
#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"
#include "storage/AppDatabase.h"

#include <QEventLoop>

namespace jc {

Expected<ConsoleDatabase::Opened, QString> ConsoleDatabase::open(const QString &givenUrl, bool demo,
                                                                 const ConsoleSettings &settings,
                                                                 PasswordVault &vault)
{
    const QString urlText = demo ? QString() : AppDatabase::resolveUrlText(givenUrl);
    if (!urlText.isEmpty()) {
        auto database = AppDatabase::open(urlText);
        if (!database)
            return database.error();
        return Opened{std::move(database).value(), false};
    }
    const QString configured = demo ? QString() : settings.databaseUrl();
    if (!configured.isEmpty())
        return openConfigured(configured, vault);
    auto database = DemoDatabase::open(DemoDatabase::defaultFolder());
    if (!database)
        return database.error();
    return Opened{std::move(database).value(), true};
}

Expected<ConsoleDatabase::Opened, QString> ConsoleDatabase::openConfigured(const QString &urlText,
                                                                           PasswordVault &vault)
{
    auto url = DatabaseUrl::parse(urlText);
    if (!url)
        return QObject::tr("The database in the console's settings: %1").arg(url.error());
    if (url->dialect() == SqlDialect::Postgres && url->password().isEmpty()) {
        // The keychain answers asynchronously (it may show an unlock prompt): wait for it here,
        // before the window exists. No password stored: libpq's own sources (PGPASSWORD,
        // ~/.pgpass) still apply.
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
    auto database = AppDatabase::open(url.value());
    if (!database)
        return database.error();
    return Opened{std::move(database).value(), false};
}

} // namespace jc
