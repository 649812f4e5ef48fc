#include "main/ConsoleDatabase.h"

#include "seed/DemoDatabase.h"
#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"
#include "storage/AppDatabase.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

namespace jc {

Expected<ConsoleDatabase::Opened, QString> ConsoleDatabase::open(const QString &givenUrl, bool demo,
                                                                 const ConsoleSettings &settings,
                                                                 PasswordVault &vault,
                                                                 bool watchOnly)
{
    const QString urlText = demo ? QString() : AppDatabase::resolveUrlText(givenUrl);
    if (!urlText.isEmpty()) {
        const auto url = DatabaseUrl::parse(urlText);
        if (!url)
            return url.error();
        return openUrl(url.value(), watchOnly);
    }
    const QString configured = demo ? QString() : settings.databaseUrl();
    if (!configured.isEmpty())
        return openConfigured(configured, vault, watchOnly);
    auto database = DemoDatabase::open(DemoDatabase::defaultFolder());
    if (!database)
        return database.error();
    return Opened{std::move(database).value(), true, false, {}};
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

Expected<ConsoleDatabase::Opened, QString> ConsoleDatabase::openUrl(const DatabaseUrl &url,
                                                                    bool watchOnly)
{
    if (url.dialect() == SqlDialect::Sqlite && !QFileInfo::exists(url.filePath())) {
        if (!askToCreate(url)) {
            return QObject::tr("The SQLite database %1 does not exist. Nothing was created.")
                .arg(QDir::toNativeSeparators(url.filePath()));
        }
        auto created =
            AppDatabase::open(url, AppDatabase::Access::ReadWrite, AppDatabase::IfMissing::Create);
        if (!created)
            return created.error();
        return Opened{std::move(created).value(), false, true, {}};
    }
    auto database = AppDatabase::open(url, watchOnly ? AppDatabase::Access::Watch
                                                     : AppDatabase::Access::ReadWrite);
    if (!database)
        return database.error();
    Opened opened{std::move(database).value(), false, false, {}};
    if (opened.database->options().readOnly)
        opened.readOnlyReason = QObject::tr("the database is read-only for this user: this "
                                            "console can only show what happens in it");
    return opened;
}

Expected<ConsoleDatabase::Opened, QString>
ConsoleDatabase::openConfigured(const QString &urlText, PasswordVault &vault, bool watchOnly)
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
    return openUrl(url.value(), watchOnly);
}

} // namespace jc
