#pragma once

#include "storage/SqlDialect.h"

#include <QString>

namespace jc {

// The SQL text of CreditTopUpSql's statements in each dialect, one function per statement,
// with named placeholders: the key range (:after, :last], the period (:period) and the
// period's bounds (:start, :end; SQLite also :first_day, :last_day: see
// CreditTopUpSql::periodValues). Stateless; any thread.
class CreditTopUpStatements
{
public:
    // The connection's temporary work table of the users a batch chose, with user_id in
    // `idCollation` (MySQL) when given, else binary on MySQL.
    static QString createChosen(SqlDialect dialect, const QString &idCollation = {});
    static QString surveyUsersSql();
    static QString findOwedSql(SqlDialect dialect);
    static QString countLegacySql(SqlDialect dialect);
    static QString chooseOwedSql(SqlDialect dialect);
    static QString chooseNextSql();  // MySQL/MariaDB
    static QString chosenRangeSql(); // MySQL/MariaDB
    static QString chosenByLimitSql();
    static QString insertAuditSql(SqlDialect dialect);
    static QString updateBalancesSql(SqlDialect dialect);
    static QString owedByLimitSql(SqlDialect dialect);
    static QString adoptLegacySql(SqlDialect dialect);
    static QString legacySinceSql(SqlDialect dialect);
};

} // namespace jc
