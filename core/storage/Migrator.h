#pragma once

#include "common/Expected.h"
#include "storage/Migration.h"
#include "storage/MigrationCatalog.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace jc {

// What migrate() did.
struct MigrationResult
{
    int fromVersion = 0; // the highest version recorded before
    int toVersion = 0;   // the highest version recorded after
    QList<int> applied;  // the versions applied now, in order; empty when up to date
};

// A migration that migrate() would apply, with the statements it would run: those of its
// steps whose column or index is already there are left out (`kept` names them).
struct PlannedMigration
{
    int version = 0;
    QString description;
    QStringList statements;
    QStringList kept; // "credit_adjustments.period", "index idx_... on credit_adjustments"
};

// Brings a database's schema up to date, on either dialect.
//
// Each migration runs in its own transaction together with its row in
// jc_schema_version(version, description, applied_at_ms): it is applied entirely or not at
// all. migrate() applies every missing version in order, so a second call is a no-op. Several
// instances may migrate at once: each transaction first takes a lock (SQLite: BEGIN
// IMMEDIATE; PostgreSQL: an advisory transaction lock) and re-reads the recorded versions.
//
// A database whose recorded version is newer than this program's latest is refused with a
// message naming both versions, and nothing is changed: an older program must not write into
// a schema it does not know. A database this connection may not write to (read-only
// PostgreSQL transaction or standby, a user that may only read, a read-only SQLite file) is
// refused at the first write with one message saying so and what to do; nothing is changed.
// An up-to-date database is only read by migrate(): checkWritable() is how writers find out.
//
// Works on a connection of the calling thread; holds no connection itself.
class Migrator
{
public:
    explicit Migrator(QList<Migration> migrations = MigrationCatalog::all());

    [[nodiscard]] int latestVersion() const;
    [[nodiscard]] const QList<Migration> &migrations() const { return m_migrations; }

    // The highest version recorded in `db`; 0 when it has no jc_schema_version table.
    Expected<int, QString> currentVersion(const QSqlDatabase &db) const;

    // Applies what is missing. `db` must be open and belong to the calling thread. A database
    // with every migration recorded is only read, so it may be read-only.
    Expected<MigrationResult, QString> migrate(const QSqlDatabase &db) const;

    // What migrate() would do, without doing it (`jobctl migrate --dry-run`): the missing
    // migrations and their statements. Only reads.
    [[nodiscard]] Expected<QList<PlannedMigration>, QString> plan(const QSqlDatabase &db) const;

    // Whether `db` is another program's database: it has tables, but none of the web app's
    // (MigrationCatalog::appTableNames) and none of ours (jc_*). Returns the refusal, naming
    // the tables it has and those missing; nothing for an app database or an empty one.
    // migrate() refuses such a database with this message before it changes anything.
    [[nodiscard]] std::optional<QString> foreignDatabase(const QSqlDatabase &db) const;

    // Whether this connection may write to `db`: the first write of a migration is tried in a
    // transaction that is rolled back. Returns the read-only message (what to do included),
    // or another failure's text; nothing when the database may be written.
    [[nodiscard]] std::optional<QString> checkWritable(const QSqlDatabase &db) const;

private:
    // What migrate() and plan() check first: a driver of a known dialect, not another
    // program's database, not a schema newer than this program's.
    struct Start
    {
        SqlDialect dialect = SqlDialect::Sqlite;
        int version = 0; // the highest version recorded
    };
    [[nodiscard]] Expected<Start, QString> start(const QSqlDatabase &db) const;
    std::optional<QString> apply(const QSqlDatabase &db, SqlDialect dialect,
                                 const Migration &migration, bool *applied) const;
    [[nodiscard]] std::optional<QString> applySteps(const QSqlDatabase &db, SqlDialect dialect,
                                                    const Migration &migration) const;
    [[nodiscard]] QString newerSchema(int databaseVersion) const;

    QList<Migration> m_migrations; // sorted by version
};

} // namespace jc
