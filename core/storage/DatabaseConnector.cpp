#include "storage/DatabaseConnector.h"

#include "storage/MySqlConnector.h"
#include "storage/PostgresConnector.h"
#include "storage/SqliteConnector.h"

namespace jc {

const DatabaseConnector &DatabaseConnector::forDialect(SqlDialect dialect)
{
    static const SqliteConnector sqlite;
    static const PostgresConnector postgres;
    static const MySqlConnector mysql;
    return *byDialect<const DatabaseConnector *>(dialect, &sqlite, &postgres, &mysql);
}

std::optional<QString> DatabaseConnector::prepare(const DatabaseUrl &,
                                                  const ConnectionOptions &) const
{
    return std::nullopt;
}

std::optional<QString> DatabaseConnector::setUp(QSqlDatabase &, const DatabaseUrl &,
                                                const ConnectionOptions &) const
{
    return std::nullopt;
}

} // namespace jc
