#include "storage/SqlDialect.h"

namespace jc {

QString toString(SqlDialect dialect)
{
    return byDialect(dialect, QStringLiteral("sqlite"), QStringLiteral("postgresql"),
                     QStringLiteral("mysql"));
}

QString displayName(SqlDialect dialect)
{
    return byDialect(dialect, QStringLiteral("SQLite"), QStringLiteral("PostgreSQL"),
                     QStringLiteral("MySQL/MariaDB"));
}

QString defaultDriverName(SqlDialect dialect)
{
    return byDialect(dialect, QStringLiteral("QSQLITE"), QStringLiteral("QPSQL"),
                     QStringLiteral("QMYSQL"));
}

QString driverPackageName(SqlDialect dialect)
{
    return byDialect(dialect, QStringLiteral("libqt6sql6-sqlite"),
                     QStringLiteral("libqt6sql6-psql"), QStringLiteral("libqt6sql6-mysql"));
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
