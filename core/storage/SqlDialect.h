#pragma once

#include <QMetaType>
#include <QString>

#include <optional>

namespace jc {

// The two SQL dialects the storage layer speaks. SQLite is the embedded default; PostgreSQL
// is for real deployments where several instances share one database.
enum class SqlDialect { Sqlite, Postgres };

// "sqlite" or "postgresql": for messages and logs.
QString toString(SqlDialect dialect);

// The Qt SQL driver that speaks the dialect: QSQLITE or QPSQL.
QString defaultDriverName(SqlDialect dialect);

// The Debian package that ships that driver, for "install it" messages.
QString driverPackageName(SqlDialect dialect);

// The dialect of a Qt SQL driver name (QSQLITE, QPSQL); nullopt for any other driver.
std::optional<SqlDialect> sqlDialectForDriver(const QString &driverName);

} // namespace jc

Q_DECLARE_METATYPE(jc::SqlDialect)
