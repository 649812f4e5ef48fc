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

    // Statements that look users (alias u) up in credit_adjustments take `userId`: users' id
    // as credit_adjustments.user_id compares with it. Plain `u.id`, unless MySQL's two columns
    // differ in collation (two app tables created under different server defaults): MySQL
    // then refuses to compare them ("Illegal mix of collations") and the top-up could not run
    // at all. auditUserId() converts users' side to credit_adjustments', so that its index
    // on user_id still serves the look-up; `charset` and `collation` are
    // credit_adjustments.user_id's (words only; anything else gives `u.id`).
    static inline const QString usersId = QStringLiteral("u.id");
    static QString auditUserId(const QString &charset, const QString &collation);

    static QString findOwedSql(SqlDialect dialect, const QString &userId = usersId);
    static QString countLegacySql(SqlDialect dialect);
    static QString chooseOwedSql(SqlDialect dialect, const QString &userId = usersId);
    static QString chooseNextSql(const QString &userId = usersId); // MySQL/MariaDB
    static QString chosenRangeSql();                               // MySQL/MariaDB
    static QString chosenByLimitSql();
    static QString insertAuditSql(SqlDialect dialect);
    static QString updateBalancesSql(SqlDialect dialect);
    static QString owedByLimitSql(SqlDialect dialect, const QString &userId = usersId);
    static QString adoptLegacySql(SqlDialect dialect);
    static QString legacySinceSql(SqlDialect dialect);
};

} // namespace jc
