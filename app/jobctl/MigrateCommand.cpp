#include "MigrateCommand.h"

#include "CommandSupport.h"

#include "storage/AppDatabase.h"
#include "storage/Migrator.h"

#include <QCommandLineParser>

using namespace jc;

// What migrate would do, read through read-only connections that create nothing (a SQLite path
// that does not exist is an error here, not a new file).
static int dryRun(const CommandEnvironment &env)
{
    const QString command = QStringLiteral("migrate");
    const auto factory = AppDatabase::open(AppDatabase::resolveUrlText(env.databaseUrl),
                                           AppDatabase::Access::Inspect);
    if (!factory)
        return env.fail(command, factory.error());
    const auto db = factory.value()->connectionForCurrentThread();
    if (!db)
        return env.fail(command, db.error());
    const auto plan = Migrator().plan(db.value());
    if (!plan)
        return env.fail(command, plan.error());
    const QString where = factory.value()->url().toDisplayString();
    if (plan->isEmpty()) {
        env.out << "Schema of " << where << " is up to date: nothing to do.\n";
        return 0;
    }
    env.out << "Dry run: migrating " << where << " would apply " << plan->size()
            << " migration(s) and change nothing else:\n";
    for (const PlannedMigration &migration : plan.value()) {
        env.out << "\n" << migration.version << ". " << migration.description << "\n";
        for (const QString &kept : migration.kept)
            env.out << "   keeps the existing " << kept << "\n";
        for (const QString &statement : migration.statements)
            env.out << "   " << QString(statement).replace(u'\n', QStringLiteral("\n   ")) << ";\n";
    }
    return 0;
}

int MigrateCommand::run(const CommandEnvironment &env)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Creates or updates the database's tables (the app's, where missing, and the "
        "scheduler's). Safe to run again: it only applies what is missing."));
    const QCommandLineOption dryRunOption(
        QStringLiteral("dry-run"),
        QStringLiteral("Print the migrations and statements it would run, and change nothing "
                       "(what it adds to the app's tables, before you let it)."));
    parser.addOption(dryRunOption);
    if (const auto status = CommandSupport::parse(parser, env, QStringLiteral("migrate")))
        return *status;
    if (parser.isSet(dryRunOption))
        return dryRun(env);
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
