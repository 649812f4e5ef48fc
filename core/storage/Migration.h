#pragma once

#include "storage/SqlDialect.h"

#include <QList>
#include <QString>

#include <utility>

namespace jc {

// One statement of a migration. Most run always; one that adds a column to a table the app
// may already have (or have changed) names the column and runs only when it is absent, which
// is checked through the driver's record of the table (QSqlDriver::record).
struct MigrationStep
{
    QString sql;
    QString table; // with `column`: run only when table.column does not exist yet
    QString column;

    static MigrationStep always(QString sql) { return {std::move(sql), {}, {}}; }
    static MigrationStep addColumnIfMissing(QString table, QString column, QString sql)
    {
        return {std::move(sql), std::move(table), std::move(column)};
    }
    bool isConditional() const { return !column.isEmpty(); }
};

// A numbered change of the schema, written once per dialect. Applied at most once, in one
// transaction, and recorded in jc_schema_version. Versions start at 1 and never change
// meaning once released: a change to the schema is a new migration.
struct Migration
{
    int version = 0;
    QString description;
    QList<MigrationStep> sqlite;
    QList<MigrationStep> postgres;

    const QList<MigrationStep> &steps(SqlDialect dialect) const
    {
        return dialect == SqlDialect::Sqlite ? sqlite : postgres;
    }
};

} // namespace jc
