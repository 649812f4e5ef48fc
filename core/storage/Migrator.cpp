#include "storage/Migrator.h"

#include "engine/SystemClock.h"
#include "storage/SqlErrors.h"
#include "storage/SqlStatement.h"
#include "storage/StorageLog.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

#include <algorithm>
#include <set>

namespace jc {

namespace {

const QString VersionTable = QStringLiteral("jc_schema_version");

// Serialises migrations between instances on PostgreSQL ("JCMI").
constexpr qint64 MigrationLockKey = 0x4A434D49;

QString firstLine(const QString &sql)
{
    return sql.trimmed().section(u'\n', 0, 0);
}

// A statement that failed: its message, and whether the database refused to be written
// through this connection (SqlErrors::isReadOnly), in the database's own words.
struct Failure
{
    QString text;
    bool readOnly = false;
    QString detail;
};

Failure failureOf(const QSqlDatabase &db, const QString &sql, const QSqlError &error)
{
    // The first line of the database's text, without its "ERROR:" and the SQL it quotes.
    QString detail = error.databaseText().section(u'\n', 0, 0).trimmed();
    if (detail.startsWith(QLatin1String("ERROR:")))
        detail = detail.mid(6).trimmed();
    return Failure{QStringLiteral("%1 [in: %2]").arg(SqlErrors::text(error), firstLine(sql)),
                   SqlErrors::isReadOnly(
                       error, sqlDialectForDriver(db.driverName()).value_or(SqlDialect::Sqlite)),
                   detail.isEmpty() ? SqlErrors::text(error) : detail};
}

// A statement without values runs as it is: PostgreSQL cannot prepare DDL.
std::optional<Failure> run(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return std::nullopt;
    return failureOf(db, sql, query.lastError());
}

std::optional<Failure> run(const QSqlDatabase &db, const QString &sql,
                           const SqlStatement::Values &values)
{
    SqlStatement statement(db, sql);
    if (const auto failed = statement.exec(values))
        return failureOf(db, sql, failed->error);
    return std::nullopt;
}

std::optional<QString> exec(const QSqlDatabase &db, const QString &sql)
{
    if (auto failure = run(db, sql))
        return failure->text;
    return std::nullopt;
}

// What to say when the database may not be written through this connection. Every program
// migrates before anything else, so this is where a read-only database shows first; it is
// found by the database's answer to a real write, not guessed from its settings.
QString readOnlyMessage(const QSqlDatabase &db, SqlDialect dialect, const QString &detail)
{
    if (dialect == SqlDialect::Sqlite) {
        return QStringLiteral("The SQLite database %1 is read-only for this user (%2): make the "
                              "file and its folder writable for this user, or choose another "
                              "location with --db or JOBCONSOLE_DB. Nothing was changed.")
            .arg(db.databaseName(), detail);
    }
    if (dialect == SqlDialect::MySql) {
        return QStringLiteral("The MySQL/MariaDB database \"%1\" is read-only for this connection "
                              "(%2): Job Console writes its run history, pauses and settings "
                              "there. Connect as a user granted CREATE, ALTER, INDEX, INSERT, "
                              "UPDATE and DELETE on it, to the primary server rather than a "
                              "replica. Nothing was changed.")
            .arg(db.databaseName(), detail);
    }
    return QStringLiteral("The PostgreSQL database \"%1\" is read-only for this connection (%2): "
                          "Job Console writes its run history, pauses and settings there. "
                          "Connect as a user that may create and change tables in it, to the "
                          "primary server rather than a standby, with "
                          "default_transaction_read_only off. Nothing was changed.")
        .arg(db.databaseName(), detail);
}

// A failed write as the caller says it: the read-only message, or `what` and the error.
QString describe(const Failure &failure, const QSqlDatabase &db, SqlDialect dialect,
                 const QString &what)
{
    return failure.readOnly ? readOnlyMessage(db, dialect, failure.detail)
                            : QStringLiteral("%1: %2").arg(what, failure.text);
}

// MySQL: the migrations of two instances never interleave. A session-level named lock (a
// schema change ends any transaction), released by rollback() and commit().
constexpr auto MySqlMigrationLock = "jobconsole.migrate";

std::optional<Failure> lockMySql(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(
            QStringLiteral("SELECT GET_LOCK('%1', 60)").arg(QLatin1String(MySqlMigrationLock))) ||
        !query.next())
        return Failure{SqlErrors::text(query.lastError()), false, {}};
    if (query.value(0).toInt() != 1)
        return Failure{QStringLiteral("another instance has been migrating the database for a "
                                      "minute (lock %1); try again when it has finished")
                           .arg(QLatin1String(MySqlMigrationLock)),
                       false,
                       {}};
    return std::nullopt;
}

void unlockMySql(const QSqlDatabase &db)
{
    if (sqlDialectForDriver(db.driverName()) != SqlDialect::MySql)
        return;
    if (auto error = exec(
            db, QStringLiteral("DO RELEASE_LOCK('%1')").arg(QLatin1String(MySqlMigrationLock))))
        qCWarning(lcStorage) << "releasing the migration lock failed:" << *error;
}

std::optional<Failure> begin(const QSqlDatabase &db, SqlDialect dialect)
{
    if (dialect == SqlDialect::MySql) {
        if (auto failure = lockMySql(db))
            return failure;
        // Not READ WRITE: that would override a session's READ ONLY default. A read-only
        // session or server refuses the first write (a statement the probe or the migration
        // starts with), before any change.
        if (auto failure = run(db, QStringLiteral("START TRANSACTION"))) {
            unlockMySql(db);
            return failure;
        }
        return std::nullopt;
    }
    if (dialect == SqlDialect::Sqlite)
        return run(db, QStringLiteral("BEGIN IMMEDIATE"));
    if (auto failure = run(db, QStringLiteral("BEGIN")))
        return failure;
    // Without this, every CREATE ... IF NOT EXISTS that finds its object prints a NOTICE to
    // stderr (libpq's default); LOCAL ends with the transaction.
    if (auto failure = run(db, QStringLiteral("SET LOCAL client_min_messages = warning")))
        return failure;
    return run(db, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(MigrationLockKey));
}

void rollback(const QSqlDatabase &db)
{
    if (auto error = exec(db, QStringLiteral("ROLLBACK")))
        qCWarning(lcStorage) << "rollback of a migration failed:" << *error;
    unlockMySql(db);
}

std::optional<QString> commit(const QSqlDatabase &db)
{
    auto error = exec(db, QStringLiteral("COMMIT"));
    if (!error)
        unlockMySql(db);
    return error;
}

// PostgreSQL 14 and older let every role create tables in `public`, so ensureVersionTable's
// CREATE passes for a role that may only SELECT the scheduler's tables: their grants are asked.
std::optional<Failure> tableWithoutWriteGrant(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'jc\\_%' "
            "AND NOT (has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, "
            "'UPDATE') AND has_table_privilege(c.oid, 'DELETE')) ORDER BY c.relname LIMIT 1")))
        return Failure{SqlErrors::text(query.lastError()), false, {}};
    if (!query.next())
        return std::nullopt;
    return Failure{
        {},
        true,
        QStringLiteral("permission denied to change table %1").arg(query.value(0).toString())};
}

// The first write of every migration.
std::optional<Failure> ensureVersionTable(const QSqlDatabase &db)
{
    return run(db, QStringLiteral("CREATE TABLE IF NOT EXISTS jc_schema_version ("
                                  "version integer NOT NULL PRIMARY KEY, "
                                  "description varchar(200) NOT NULL, "
                                  "applied_at_ms bigint NOT NULL)"));
}

Expected<std::set<int>, QString> recordedVersions(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT version FROM jc_schema_version")))
        return Unexpected(SqlErrors::text(query.lastError()));
    std::set<int> versions;
    while (query.next())
        versions.insert(query.value(0).toInt());
    return versions;
}

bool hasColumn(const QSqlDatabase &db, const QString &table, const QString &column)
{
    return db.driver()->record(table).indexOf(column) >= 0;
}

// MySQL: whether the index `step` creates is there: under its name, or as an index of the
// app's own on the same columns in the same order (unique, when the step's is), which the
// scheduler's queries use as well. information_schema; an error reads as absent, and the
// CREATE then says what is wrong.
bool hasIndex(const QSqlDatabase &db, const MigrationStep &step)
{
    static const QRegularExpression columnList(QStringLiteral(R"(\(([^()]*)\)\s*$)"));
    QString columns = columnList.match(step.sql).captured(1);
    columns.remove(u' ');
    const bool unique = step.sql.startsWith(QLatin1String("CREATE UNIQUE"));
    SqlStatement query(
        db, QStringLiteral("SELECT 1 FROM (SELECT index_name, MIN(non_unique) AS non_unique, "
                           "GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM "
                           "information_schema.statistics WHERE table_schema = DATABASE() AND "
                           "table_name = :table GROUP BY index_name) i WHERE i.index_name = :index "
                           "OR (i.columns = :columns AND (:unique = 0 OR i.non_unique = 0)) "
                           "LIMIT 1"));
    return !query.exec({{QStringLiteral(":table"), step.table},
                        {QStringLiteral(":index"), step.index},
                        {QStringLiteral(":columns"),
                         columns.contains(QLatin1String("DESC")) ? QString() : columns},
                        {QStringLiteral(":unique"), unique ? 1 : 0}}) &&
           query.next();
}

// For a dry run: the table or index that `sql` creates IF NOT EXISTS, when it exists already
// ("table users", "index idx_..."): the statement would do nothing.
std::optional<QString> existingObject(const QSqlDatabase &db, SqlDialect dialect,
                                      const QString &sql)
{
    static const QRegularExpression creates(
        QStringLiteral(R"(^CREATE (TABLE|UNIQUE INDEX|INDEX) IF NOT EXISTS (\w+))"));
    const QRegularExpressionMatch found = creates.match(sql);
    if (!found.hasMatch())
        return std::nullopt;
    const QString name = found.captured(2);
    if (found.captured(1) == QLatin1String("TABLE"))
        return db.tables().contains(name, Qt::CaseInsensitive)
                   ? std::optional(QStringLiteral("table ") + name)
                   : std::nullopt;
    const QString lookup = byDialect(
        dialect,
        QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :name"),
        QStringLiteral("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND "
                       "indexname = :name"),
        QStringLiteral("SELECT 1 FROM information_schema.statistics WHERE "
                       "table_schema = DATABASE() AND index_name = :name LIMIT 1"));
    SqlStatement query(db, lookup);
    return !query.exec({{QStringLiteral(":name"), name}}) && query.next()
               ? std::optional(QStringLiteral("index ") + name)
               : std::nullopt;
}

} // namespace

Migrator::Migrator(QList<Migration> migrations)
    : m_migrations(std::move(migrations))
{
    std::sort(m_migrations.begin(), m_migrations.end(),
              [](const Migration &a, const Migration &b) { return a.version < b.version; });
}

int Migrator::latestVersion() const
{
    return m_migrations.isEmpty() ? 0 : m_migrations.constLast().version;
}

Expected<int, QString> Migrator::currentVersion(const QSqlDatabase &db) const
{
    if (!db.tables().contains(VersionTable, Qt::CaseInsensitive))
        return 0;
    const auto versions = recordedVersions(db);
    if (!versions)
        return Unexpected(
            QStringLiteral("Cannot read the schema version: %1").arg(versions.error()));
    return versions->empty() ? 0 : *versions->rbegin();
}

Expected<Migrator::Start, QString> Migrator::start(const QSqlDatabase &db) const
{
    const auto dialect = sqlDialectForDriver(db.driverName());
    if (!dialect) {
        return Unexpected(
            QStringLiteral("Cannot migrate a database opened with the %1 driver: only SQLite, "
                           "PostgreSQL and MySQL/MariaDB are supported.")
                .arg(db.driverName()));
    }
    if (auto foreign = foreignDatabase(db))
        return Unexpected(*foreign);
    const auto version = currentVersion(db);
    if (!version)
        return Unexpected(version.error());
    if (*version > latestVersion())
        return Unexpected(newerSchema(*version));
    return Start{*dialect, *version};
}

Expected<MigrationResult, QString> Migrator::migrate(const QSqlDatabase &db) const
{
    const auto started = start(db);
    if (!started)
        return Unexpected(started.error());
    const SqlDialect dialect = started->dialect;
    const int before = started->version;
    // Read outside a transaction, so that an up-to-date database needs no write lock (and may
    // be read-only); apply() reads again under the lock before it changes anything.
    const auto recorded = recordedVersions(db);
    MigrationResult result{before, before, {}};
    for (const Migration &migration : m_migrations) {
        if (recorded && recorded->count(migration.version) > 0)
            continue;
        bool applied = false;
        if (auto error = apply(db, dialect, migration, &applied))
            return Unexpected(*error);
        if (applied)
            result.applied.append(migration.version);
    }
    const auto after = currentVersion(db);
    result.toVersion = after ? *after : latestVersion();
    return result;
}

Expected<QList<PlannedMigration>, QString> Migrator::plan(const QSqlDatabase &db) const
{
    const auto started = start(db);
    if (!started)
        return Unexpected(started.error());
    const SqlDialect dialect = started->dialect;
    std::set<int> recorded;
    if (db.tables().contains(VersionTable, Qt::CaseInsensitive)) {
        const auto versions = recordedVersions(db);
        if (!versions)
            return Unexpected(
                QStringLiteral("Cannot read the schema version: %1").arg(versions.error()));
        recorded = *versions;
    }
    QList<PlannedMigration> plan;
    for (const Migration &migration : m_migrations) {
        if (recorded.contains(migration.version))
            continue;
        PlannedMigration planned{migration.version, migration.description, {}, {}};
        for (const MigrationStep &step : migration.steps(dialect)) {
            if (const auto existing = existingObject(db, dialect, step.sql))
                planned.kept.append(*existing);
            else if (!step.column.isEmpty() && hasColumn(db, step.table, step.column))
                planned.kept.append(step.table + u'.' + step.column);
            else if (!step.index.isEmpty() && hasIndex(db, step))
                planned.kept.append(QStringLiteral("index %1 on %2").arg(step.index, step.table));
            else
                planned.statements.append(step.sql);
        }
        plan.append(planned);
    }
    return plan;
}

std::optional<QString> Migrator::foreignDatabase(const QSqlDatabase &db) const
{
    QStringList tables;
    for (const QString &table : db.tables(QSql::Tables)) {
        if (!table.startsWith(QLatin1String("sqlite_"), Qt::CaseInsensitive))
            tables.append(table);
    }
    const QStringList app = MigrationCatalog::appTableNames();
    const bool ours = std::ranges::any_of(tables, [&app](const QString &table) {
        return app.contains(table, Qt::CaseInsensitive) ||
               table.startsWith(QLatin1String("jc_"), Qt::CaseInsensitive);
    });
    if (tables.isEmpty() || ours)
        return std::nullopt;
    tables.sort();
    constexpr qsizetype shown = 5;
    QString found = tables.mid(0, shown).join(QLatin1String(", "));
    if (tables.size() > shown)
        found += QStringLiteral(" and %1 more").arg(tables.size() - shown);
    const auto dialect = sqlDialectForDriver(db.driverName());
    const QString what =
        dialect == SqlDialect::Sqlite
            ? QStringLiteral("The SQLite database %1").arg(db.databaseName())
            : QStringLiteral("The %1 database \"%2\"")
                  .arg(displayName(dialect.value_or(SqlDialect::Postgres)), db.databaseName());
    return QStringLiteral("%1 is not the web app's database: it has tables (%2) but none of the "
                          "app's (%3) and none of Job Console's (jc_*). Point --db or "
                          "JOBCONSOLE_DB at the app's database, or create a new one with "
                          "`jobctl --db PATH migrate`. Nothing was changed.")
        .arg(what, found, app.join(QLatin1String(", ")));
}

std::optional<QString> Migrator::checkWritable(const QSqlDatabase &db) const
{
    const auto dialect = sqlDialectForDriver(db.driverName());
    if (!dialect)
        return QStringLiteral("Unsupported database driver %1").arg(db.driverName());
    if (auto failure = begin(db, *dialect))
        return describe(*failure, db, *dialect,
                        QStringLiteral("Cannot start writing to the database"));
    // MySQL: a CREATE would commit at once, changing the database. A DELETE of no row,
    // rolled back, finds a read-only session or server and a user who may not change the
    // scheduler's tables (the privilege is checked first).
    std::optional<Failure> failure;
    if (*dialect != SqlDialect::MySql)
        failure = ensureVersionTable(db);
    else if (db.tables(QSql::Tables).contains(QStringLiteral("jc_runs")))
        failure = run(db, QStringLiteral("DELETE FROM jc_runs WHERE id = -1"));
    // SQLite grants BEGIN IMMEDIATE on a file it may only read (the lock lives in the WAL's
    // shared memory) and writes nothing for a table that exists: a table is created, to be
    // rolled back with the rest. PostgreSQL refuses the CREATE in a read-only transaction or
    // without CREATE on the schema; a role that may create but not change our tables is
    // found by its grants.
    if (!failure && *dialect == SqlDialect::Sqlite)
        failure = run(db, QStringLiteral("CREATE TABLE jc_write_probe (x integer)"));
    if (!failure && *dialect == SqlDialect::Postgres)
        failure = tableWithoutWriteGrant(db);
    rollback(db);
    if (!failure)
        return std::nullopt;
    return describe(*failure, db, *dialect, QStringLiteral("Cannot write to the database"));
}

std::optional<QString> Migrator::apply(const QSqlDatabase &db, SqlDialect dialect,
                                       const Migration &migration, bool *applied) const
{
    if (auto failure = begin(db, dialect))
        return describe(*failure, db, dialect,
                        QStringLiteral("Cannot start migrating the database"));
    if (auto failure = ensureVersionTable(db)) {
        rollback(db);
        return describe(*failure, db, dialect,
                        QStringLiteral("Cannot create the schema version table"));
    }
    // Re-read under the lock: another instance may have migrated meanwhile.
    const auto versions = recordedVersions(db);
    if (!versions) {
        rollback(db);
        return QStringLiteral("Cannot read the schema version: %1").arg(versions.error());
    }
    const int recorded = versions->empty() ? 0 : *versions->rbegin();
    if (recorded > latestVersion() || versions->count(migration.version) > 0) {
        rollback(db);
        return recorded > latestVersion() ? std::optional(newerSchema(recorded)) : std::nullopt;
    }
    auto error = applySteps(db, dialect, migration);
    if (!error)
        error = commit(db);
    if (error) {
        rollback(db);
        if (dialect == SqlDialect::MySql)
            return QStringLiteral("Migration %1 (%2) failed: %3. MySQL commits each schema change "
                                  "at once, so the steps before this one stay; every step is "
                                  "safe to repeat, and `jobctl migrate` completes the migration "
                                  "once the cause is fixed.")
                .arg(migration.version)
                .arg(migration.description, *error);
        return QStringLiteral("Migration %1 (%2) failed, and none of it was applied: %3")
            .arg(migration.version)
            .arg(migration.description, *error);
    }
    qCInfo(lcStorage) << "applied migration" << migration.version << migration.description;
    *applied = true;
    return std::nullopt;
}

std::optional<QString> Migrator::applySteps(const QSqlDatabase &db, SqlDialect dialect,
                                            const Migration &migration) const
{
    for (const MigrationStep &step : migration.steps(dialect)) {
        if (!step.column.isEmpty() && hasColumn(db, step.table, step.column)) {
            qCInfo(lcStorage) << "migration" << migration.version << "keeps the existing column"
                              << step.table + u'.' + step.column;
            continue;
        }
        if (!step.index.isEmpty() && hasIndex(db, step))
            continue;
        if (auto error = exec(db, step.sql))
            return error;
    }
    const auto failure =
        run(db,
            QStringLiteral("INSERT INTO jc_schema_version (version, description, applied_at_ms) "
                           "VALUES (:version, :description, :applied_at)"),
            {{QStringLiteral(":version"), migration.version},
             {QStringLiteral(":description"), migration.description},
             {QStringLiteral(":applied_at"), SystemClock::wallMSecs()}});
    return failure ? std::optional(failure->text) : std::nullopt;
}

QString Migrator::newerSchema(int databaseVersion) const
{
    return QStringLiteral("The database's schema is version %1, newer than version %2, the "
                          "newest this program knows: a newer Job Console has migrated it. Use "
                          "that version or a newer one with this database. Nothing was changed.")
        .arg(databaseVersion)
        .arg(latestVersion());
}

} // namespace jc
