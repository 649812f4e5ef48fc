#include "storage/Migrator.h"

#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <QDateTime>
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

std::optional<QString> exec(const QSqlDatabase &db, const QString &sql,
                            const QVariantList &values = {})
{
    QSqlQuery query(db);
    bool ok = values.isEmpty() ? query.exec(sql) : query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (ok && !values.isEmpty())
        ok = query.exec();
    if (ok)
        return std::nullopt;
    return QStringLiteral("%1 [in: %2]").arg(SqlErrors::text(query.lastError()), firstLine(sql));
}

std::optional<QString> begin(const QSqlDatabase &db, SqlDialect dialect)
{
    if (dialect == SqlDialect::Sqlite)
        return exec(db, QStringLiteral("BEGIN IMMEDIATE"));
    if (auto error = exec(db, QStringLiteral("BEGIN")))
        return error;
    // Without this, every CREATE ... IF NOT EXISTS that finds its object prints a NOTICE to
    // stderr (libpq's default); LOCAL ends with the transaction.
    if (auto error = exec(db, QStringLiteral("SET LOCAL client_min_messages = warning")))
        return error;
    return exec(db, QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(MigrationLockKey));
}

void rollback(const QSqlDatabase &db)
{
    if (auto error = exec(db, QStringLiteral("ROLLBACK")))
        qCWarning(lcStorage) << "rollback of a migration failed:" << *error;
}

std::optional<QString> ensureVersionTable(const QSqlDatabase &db)
{
    return exec(db, QStringLiteral("CREATE TABLE IF NOT EXISTS jc_schema_version ("
                                   "version integer NOT NULL PRIMARY KEY, "
                                   "description varchar(200) NOT NULL, "
                                   "applied_at_ms bigint NOT NULL)"));
}

Expected<std::set<int>, QString> recordedVersions(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT version FROM jc_schema_version")))
        return SqlErrors::text(query.lastError());
    std::set<int> versions;
    while (query.next())
        versions.insert(query.value(0).toInt());
    return versions;
}

bool hasColumn(const QSqlDatabase &db, const QString &table, const QString &column)
{
    return db.driver()->record(table).indexOf(column) >= 0;
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
        return QStringLiteral("Cannot read the schema version: %1").arg(versions.error());
    return versions->empty() ? 0 : *versions->rbegin();
}

Expected<MigrationResult, QString> Migrator::migrate(const QSqlDatabase &db) const
{
    const auto dialect = sqlDialectForDriver(db.driverName());
    if (!dialect) {
        return QStringLiteral("Cannot migrate a database opened with the %1 driver: only SQLite "
                              "and PostgreSQL are supported.")
            .arg(db.driverName());
    }
    const auto before = currentVersion(db);
    if (!before)
        return before.error();
    if (*before > latestVersion())
        return newerSchema(*before);
    MigrationResult result{*before, *before, {}};
    for (const Migration &migration : m_migrations) {
        bool applied = false;
        if (auto error = apply(db, *dialect, migration, &applied))
            return *error;
        if (applied)
            result.applied.append(migration.version);
    }
    const auto after = currentVersion(db);
    result.toVersion = after ? *after : latestVersion();
    return result;
}

std::optional<QString> Migrator::apply(const QSqlDatabase &db, SqlDialect dialect,
                                       const Migration &migration, bool *applied) const
{
    if (auto error = begin(db, dialect))
        return QStringLiteral("Cannot start migrating the database: %1").arg(*error);
    // Re-read under the lock: another instance may have migrated meanwhile.
    auto error = ensureVersionTable(db);
    const auto versions = error ? Expected<std::set<int>, QString>(*error) : recordedVersions(db);
    if (!versions) {
        rollback(db);
        return QStringLiteral("Cannot read the schema version: %1").arg(versions.error());
    }
    const int recorded = versions->empty() ? 0 : *versions->rbegin();
    if (recorded > latestVersion() || versions->count(migration.version) > 0) {
        rollback(db);
        return recorded > latestVersion() ? std::optional(newerSchema(recorded)) : std::nullopt;
    }
    error = applySteps(db, dialect, migration);
    if (!error)
        error = exec(db, QStringLiteral("COMMIT"));
    if (error) {
        rollback(db);
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
        if (step.isConditional() && hasColumn(db, step.table, step.column)) {
            qCInfo(lcStorage) << "migration" << migration.version << "keeps the existing column"
                              << step.table + u'.' + step.column;
            continue;
        }
        if (auto error = exec(db, step.sql))
            return error;
    }
    return exec(db,
                QStringLiteral("INSERT INTO jc_schema_version (version, description, "
                               "applied_at_ms) VALUES (?, ?, ?)"),
                {migration.version, migration.description, QDateTime::currentMSecsSinceEpoch()});
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
