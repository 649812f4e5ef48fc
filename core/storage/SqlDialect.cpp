#include "storage/SqlDialect.h"

namespace jc {

QString toString(SqlDialect dialect)
{
    switch (dialect) {
    case SqlDialect::Sqlite:
        return QStringLiteral("sqlite");
    case SqlDialect::Postgres:
        return QStringLiteral("postgresql");
    case SqlDialect::MySql:
        return QStringLiteral("mysql");
    }
    return {};
}

QString displayName(SqlDialect dialect)
{
    switch (dialect) {
    case SqlDialect::Sqlite:
        return QStringLiteral("SQLite");
    case SqlDialect::Postgres:
        return QStringLiteral("PostgreSQL");
    case SqlDialect::MySql:
        return QStringLiteral("MySQL/MariaDB");
    }
    return {};
}

QString defaultDriverName(SqlDialect dialect)
{
    switch (dialect) {
    case SqlDialect::Sqlite:
        return QStringLiteral("QSQLITE");
    case SqlDialect::Postgres:
        return QStringLiteral("QPSQL");
    case SqlDialect::MySql:
        return QStringLiteral("QMYSQL");
    }
    return {};
}

QString driverPackageName(SqlDialect dialect)
{
    switch (dialect) {
    case SqlDialect::Sqlite:
        return QStringLiteral("libqt6sql6-sqlite");
    case SqlDialect::Postgres:
        return QStringLiteral("libqt6sql6-psql");
    case SqlDialect::MySql:
        return QStringLiteral("libqt6sql6-mysql");
    }
    return {};
}

std::optional<SqlDialect> sqlDialectForDriver(const QString &driverName)
{
    if (driverName == QLatin1String("QSQLITE"))
        return SqlDialect::Sqlite;
    if (driverName == QLatin1String("QPSQL"))
        return SqlDialect::Postgres;
    if (driverName == QLatin1String("QMYSQL"))
        return SqlDialect::MySql;
    return std::nullopt;
}

} // namespace jc
