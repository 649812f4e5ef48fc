#pragma once

#include <QMetaType>
#include <QString>

#include <optional>

namespace jc {

// The SQL dialects the storage layer speaks. SQLite is the embedded default (and what the web
// app runs on); PostgreSQL is for deployments where several instances share one database;
// MySQL/MariaDB is the web app's other database, and may also be shared by several instances.
enum class SqlDialect { Sqlite, Postgres, MySql };

// "sqlite", "postgresql" or "mysql": for logs, settings and test rows.
QString toString(SqlDialect dialect);

// "SQLite", "PostgreSQL" or "MySQL/MariaDB": the database's name in messages for people.
QString displayName(SqlDialect dialect);

// The Qt SQL driver that speaks the dialect: QSQLITE, QPSQL or QMYSQL.
QString defaultDriverName(SqlDialect dialect);

// The Debian package that ships that driver, for "install it" messages.
QString driverPackageName(SqlDialect dialect);

// What belongs to `dialect` of three values given in the enum's order: a dialect's names,
// statements or parts chosen in one expression. A new dialect makes the switch here incomplete,
// which the build's warnings refuse, rather than letting a choice fall to a wrong branch.
template <typename T> T byDialect(SqlDialect dialect, T sqlite, T postgres, T mysql)
{
    switch (dialect) {
    case SqlDialect::Sqlite:
        return sqlite;
    case SqlDialect::Postgres:
        return postgres;
    case SqlDialect::MySql:
        break;
    }
    return mysql;
}

// The dialect of a Qt SQL driver name (QSQLITE, QPSQL, QMYSQL); nullopt for any other.
std::optional<SqlDialect> sqlDialectForDriver(const QString &driverName);

} // namespace jc

Q_DECLARE_METATYPE(jc::SqlDialect)
