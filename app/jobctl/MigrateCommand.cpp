#include "MigrateCommand.h"

#include "CommandSupport.h"

#include "storage/AppDatabase.h"
#include "storage/Migrator.h"

#include <QCommandLineParser>

using namespace jc;

int MigrateCommand::run(const CommandEnvironment &env)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Creates or updates the database's tables (the app's, where missing, and the "
        "scheduler's). Safe to run again: it only applies what is missing."));
    if (const auto status = CommandSupport::parse(parser, env, QStringLiteral("migrate")))
        return *status;
    const QString urlText = AppDatabase::resolveUrlText(env.databaseUrl);
    const auto factory =
        AppDatabase::open(urlText, AppDatabase::Access::Connect, AppDatabase::IfMissing::Create);
    if (!factory)
        return env.fail(QStringLiteral("migrate"), factory.error());
    const auto db = factory.value()->connectionForCurrentThread();
    if (!db)
        return env.fail(QStringLiteral("migrate"), db.error());
    const Migrator migrator;
    // Refused on a read-only database even when nothing is missing: migrate is a write.
    if (auto refused = migrator.checkWritable(db.value()))
        return env.fail(QStringLiteral("migrate"), *refused);
    const auto result = migrator.migrate(db.value());
    if (!result)
        return env.fail(QStringLiteral("migrate"), result.error());
    const QString where = factory.value()->url().toDisplayString();
    if (result->applied.isEmpty()) {
        env.out << "Schema of " << where << " is up to date (version " << result->toVersion
                << ").\n";
    } else {
        env.out << "Migrated " << where << " from version " << result->fromVersion << " to "
                << result->toVersion << ".\n";
    }
    return 0;
}
