#pragma once

#include "storage/SqlDialect.h"

#include <QList>
#include <QString>

#include <utility>

namespace jc {

// One statement of a migration. Most run always; one that adds a column to a table the app
// may already have (or have changed) names the column and runs only when it is absent, which
// is checked through the driver's record of the table (QSqlDriver::record). On MySQL, where a
// schema change commits at once (a failed migration leaves its earlier steps), every index is
// created only when absent (information_schema), so that running a migration again is safe.
struct MigrationStep
{
    QString sql;
    QString table; // with `column` or `index`: run only when that does not exist yet
    QString column;
    QString index;

    static MigrationStep always(QString sql) { return {std::move(sql), {}, {}, {}}; }
    static MigrationStep addColumnIfMissing(QString table, QString column, QString sql)
    {
        return {std::move(sql), std::move(table), std::move(column), {}};
    }
    static MigrationStep addIndexIfMissing(QString table, QString index, QString sql)
    {
        return {std::move(sql), std::move(table), {}, std::move(index)};
    }
    [[nodiscard]] bool isConditional() const { return !column.isEmpty() || !index.isEmpty(); }
};

// A numbered change of the schema, written once per dialect. Applied at most once, in one
// transaction (MySQL: step by step, each safe to repeat), and recorded in jc_schema_version.
// Versions start at 1 and never change meaning once released: a change to the schema is a
// new migration.
struct Migration
{
    int version = 0;
    QString description;
    QList<MigrationStep> sqlite;
    QList<MigrationStep> postgres;
    QList<MigrationStep> mysql;

    [[nodiscard]] const QList<MigrationStep> &steps(SqlDialect dialect) const
    {
        return *byDialect(dialect, &sqlite, &postgres, &mysql);
    }
};

} // namespace jc
