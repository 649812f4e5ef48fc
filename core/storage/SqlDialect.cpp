#include "storage/SqlDialect.h"

namespace jc {

QString toString(SqlDialect dialect)
{
    switch (dialect) {
    case SqlDialect::Sqlite:
        return QStringLiteral("sqlite");
    case SqlDialect::Postgres:
        return QStringLiteral("postgresql");
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
    }
    return {};
}

std::optional<SqlDialect> sqlDialectForDriver(const QString &driverName)
{
    if (driverName == QLatin1String("QSQLITE"))
        return SqlDialect::Sqlite;
    if (driverName == QLatin1String("QPSQL"))
        return SqlDialect::Postgres;
    return std::nullopt;
}

} // namespace jc
