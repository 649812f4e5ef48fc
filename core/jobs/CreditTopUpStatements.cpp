#include "jobs/CreditTopUpStatements.h"

#include "storage/SqlTime.h"

#include <QRegularExpression>

namespace jc {

namespace {

// CAST to text of at most `length` characters: MySQL casts to CHAR only (which there is
// variable-length), PostgreSQL and SQLite to varchar.
QString textCast(const QString &expression, SqlDialect dialect, int length)
{
    return QStringLiteral("CAST(%1 AS %2(%3))")
        .arg(expression,
             dialect == SqlDialect::MySql ? QStringLiteral("char") : QStringLiteral("varchar"))
        .arg(length);
}

// Owed a top-up of the period: below their own limit, not negative, not granted yet. The one
// statement of the rule (a NULL balance makes it unknown: not owed). `userId`: users' id as
// credit_adjustments.user_id compares with it (see auditUserId()).
QString owed(const QString &userId)
{
    return QStringLiteral("u.free_credits >= 0 AND u.free_credits < u.monthly_credit_limit AND "
                          "NOT EXISTS (SELECT 1 FROM credit_adjustments c WHERE c.user_id = %1 "
                          "AND c.period = :period)")
        .arg(userId);
}

// Owed, in the key range (:after, :last].
QString owedWhere(const QString &userId)
{
    return QStringLiteral("u.id > :after AND u.id <= :last AND ") + owed(userId);
}

// Top-up rows of the web app's own scheduler, which has no period column: NULL period, a
// top-up's reason (DOMAIN.md). Only these and the app's other adjustments have no period,
// which the index of migration 7 keeps apart.
const QString legacyWhere =
    QStringLiteral("l.period IS NULL AND l.reason LIKE 'Monthly free credit top-up%'");

// Legacy rows (alias l) created within the period's bounds; the placeholders are periodValues().
// PostgreSQL and MySQL compare instants. SQLite has the app's text in several forms ("2025-11-30
// 11:00:00", "...11:00:00.123456+00:00", another offset): julianday() reads each as the
// instant it is; a text range around it (a day's margin, more than any offset, before and
// after) keeps the look-up on the index by created_at.
QString legacyInPeriod(SqlDialect dialect)
{
    if (SqlTime::typedInstants(dialect))
        return legacyWhere + QStringLiteral(" AND l.created_at >= :start AND l.created_at < :end");
    return legacyWhere +
           QStringLiteral(" AND l.created_at >= :first_day AND l.created_at < :last_day AND "
                          "julianday(l.created_at) >= julianday(:start) AND "
                          "julianday(l.created_at) < julianday(:end)");
}

// A user (alias u) has no legacy top-up row of the period.
QString noLegacyGrant(SqlDialect dialect, const QString &userId)
{
    return QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM credit_adjustments l WHERE "
                          "l.user_id = %1 AND ")
               .arg(userId) +
           legacyInPeriod(dialect) + u')';
}

// Audit ids are version 7 UUIDs, "tttttttt-tttt-7sss-8nnn-nnrrrrrrrrrr": a prefix from C++ (the
// time in milliseconds and a sequence number, see auditIdPrefix), then the row's place in the
// batch in users' id order (n, 20 bits: a batch has at most 100,000 users) and 40 random bits
// from the database, so that the insert stays one statement and every id is greater than the
// one before: the batch's rows are appended to the end of the primary key in order. With 62
// random bits instead, each batch's ids landed at random among one another, and the index
// split its last pages at random: the audit insert of 1M users took 12.6-14.8 s instead of
// 10.7-11.3 s on MariaDB (1,000 users a batch), and 16.0 s instead of 8.9 s with batches of
// 10,000. The random bits keep two processes that start a batch in the same millisecond with
// the same sequence number apart; were they ever equal, the unique key refuses the insert and
// the batch is retried with a new prefix.

// The place of the row in the batch as five hex digits (the derived table's column h).
QString positionHex(SqlDialect dialect)
{
    const QString n = QStringLiteral("ROW_NUMBER() OVER (ORDER BY c.user_id)");
    if (dialect == SqlDialect::Postgres)
        return QStringLiteral("lpad(to_hex(%1), 5, '0')").arg(n);
    if (dialect == SqlDialect::MySql)
        return QStringLiteral("lower(lpad(hex(%1), 5, '0'))").arg(n);
    return QStringLiteral("printf('%05x', ") + n + u')'; // no arg(): "%05" would be a marker
}

// Ten random hex digits, row by row.
QString randomHex(SqlDialect dialect)
{
    if (dialect == SqlDialect::Postgres) // the last ten digits of a v4: all random
        return QStringLiteral("substr(CAST(gen_random_uuid() AS varchar(36)), 27)");
    // rand() has about 30 random bits: two draws of 20.
    if (dialect == SqlDialect::MySql)
        return QStringLiteral("lower(lpad(hex(floor(rand() * 1048576)), 5, '0')) || "
                              "lower(lpad(hex(floor(rand() * 1048576)), 5, '0'))");
    return QStringLiteral("lower(hex(randomblob(5)))");
}

} // namespace

// Per connection; rolled back with the transaction like any table. On PostgreSQL its rows
// go at every commit by truncation: emptied by DELETE, a temporary table (never vacuumed)
// kept every batch's dead rows, and each batch's statements scanned all of them — the run
// slowed quadratically (1M users: 85 s, of which 60 s in the four statements reading it).
// On MySQL its key is a B-tree: in the MEMORY table CreditTopUpSql::createChosenMySqlTable
// asks for, the default hash index made each batch's UPDATE ten times slower (12 ms against
// 1.5 ms for 1,000 users: MariaDB 10.11, ids sharing their last 24 characters).
// MySQL: user_id compares as users.id does, under its collation; a users.id with none (a
// binary column) gets a binary user_id, where the default collation (case-insensitive, as a
// rule) would take two ids that differ only in case for one and refuse the second.
QString CreditTopUpStatements::createChosen(SqlDialect dialect, const QString &idCollation)
{
    const bool mySql = dialect == SqlDialect::MySql;
    const QString type = !idCollation.isEmpty()
                             ? QStringLiteral("varchar(36) COLLATE ") + idCollation
                         : mySql ? QStringLiteral("varbinary(36)")
                                 : QStringLiteral("varchar(36)");
    return QStringLiteral("CREATE TEMPORARY TABLE IF NOT EXISTS jc_credit_topup_chosen ("
                          "user_id %1 NOT NULL, credits integer NOT NULL, "
                          "credit_limit integer NOT NULL, PRIMARY KEY%2 (user_id))%3")
        .arg(type, mySql ? QStringLiteral(" USING BTREE") : QString(),
             dialect == SqlDialect::Postgres ? QStringLiteral(" ON COMMIT DELETE ROWS")
                                             : QString());
}

// One sequential read of users each; the grants are counted on the period's index
// (migration 6), and the audit log is looked up only for users below their limit: in a
// period that is done, those who spent credits since their top-up. Columns: all users; those
// below their limit but skipped for a negative balance; those below their limit and not
// negative (with none, nobody can be owed and the look-up, a second read of users, is
// skipped); those without a balance or a limit (the app's columns allow NULL), never owed.
// A user at or above a limit of zero or less is simply not below it: in no column.
QString CreditTopUpStatements::surveyUsersSql()
{
    return QStringLiteral(
        "SELECT COUNT(*), SUM(CASE WHEN free_credits < 0 AND free_credits < monthly_credit_limit "
        "THEN 1 ELSE 0 END), SUM(CASE WHEN free_credits >= 0 AND free_credits < "
        "monthly_credit_limit THEN 1 ELSE 0 END), SUM(CASE WHEN free_credits IS NULL OR "
        "monthly_credit_limit IS NULL THEN 1 ELSE 0 END) FROM users");
}

QString CreditTopUpStatements::auditUserId(const QString &charset, const QString &collation)
{
    static const QRegularExpression word(QStringLiteral("^[A-Za-z0-9_]+$"));
    if (!word.match(charset).hasMatch() || !word.match(collation).hasMatch())
        return usersId;
    return QStringLiteral("CONVERT(u.id USING %1) COLLATE %2").arg(charset, collation);
}

QString CreditTopUpStatements::findOwedSql(SqlDialect dialect, const QString &userId)
{
    return QStringLiteral("SELECT 1 FROM users u WHERE ") + owed(userId) +
           noLegacyGrant(dialect, userId) + QStringLiteral(" LIMIT 1");
}

QString CreditTopUpStatements::countLegacySql(SqlDialect dialect)
{
    return QStringLiteral("SELECT COUNT(DISTINCT l.user_id) FROM credit_adjustments l WHERE ") +
           legacyInPeriod(dialect) +
           QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM credit_adjustments c WHERE "
                          "c.user_id = l.user_id AND c.period = :period)");
}

// The chosen users are locked as they are read. PostgreSQL: a CTE, because INSERT ... SELECT
// takes no locking clause there. MySQL: INSERT ... SELECT ... FOR UPDATE, a locking read,
// which (unlike the transaction's snapshot reads) sees the newest committed rows of both
// tables once a concurrent batch's locks are released. SQLite: the write lock is held.
QString CreditTopUpStatements::chooseOwedSql(SqlDialect dialect, const QString &userId)
{
    const QString select = QStringLiteral("SELECT u.id, u.monthly_credit_limit - u.free_credits, "
                                          "u.monthly_credit_limit FROM users u WHERE ") +
                           owedWhere(userId);
    const QString into =
        QStringLiteral("INSERT INTO jc_credit_topup_chosen (user_id, credits, credit_limit) ");
    if (dialect == SqlDialect::Postgres)
        return QStringLiteral("WITH owed AS (") + select + QStringLiteral(" FOR UPDATE OF u) ") +
               into + QStringLiteral("SELECT * FROM owed");
    if (dialect == SqlDialect::MySql)
        return into + select + QStringLiteral(" FOR UPDATE");
    return into + select;
}

// MySQL/MariaDB: the batch is the next :size users after :after in id order, all of them locked
// and written to the work table, those not owed with 0 credits: the batch's range is then read
// from the work table (chosenRangeSql) instead of being looked up in users first, which read
// each batch's rows once more (1.75 s of a 21 s run over 1M users). Every later statement of
// the batch takes only the rows with credits (an owed user's are above 0). The app's own
// users table lets both balances be NULL (APP-SCHEMA.md): such a user is not owed (credits 0),
// and its limit goes in as 0, since the work table's column refuses NULL.
QString CreditTopUpStatements::chooseNextSql(const QString &userId)
{
    return QStringLiteral("INSERT INTO jc_credit_topup_chosen (user_id, credits, credit_limit) "
                          "SELECT u.id, CASE WHEN ") +
           owed(userId) +
           QStringLiteral(" THEN u.monthly_credit_limit - u.free_credits ELSE 0 END, "
                          "COALESCE(u.monthly_credit_limit, 0) FROM users u WHERE u.id > :after "
                          "ORDER BY u.id LIMIT :size FOR UPDATE");
}

QString CreditTopUpStatements::chosenRangeSql()
{
    return QStringLiteral("SELECT MAX(user_id), COUNT(*) FROM jc_credit_topup_chosen");
}

QString CreditTopUpStatements::chosenByLimitSql()
{
    return QStringLiteral("SELECT credit_limit, COUNT(*), SUM(credits) FROM "
                          "jc_credit_topup_chosen WHERE credits > 0 GROUP BY credit_limit");
}

QString CreditTopUpStatements::insertAuditSql(SqlDialect dialect)
{
    return QStringLiteral(
               "INSERT INTO credit_adjustments (id, created_at, user_id, credits, reason, period) "
               "SELECT %1 || '8' || substr(b.h, 1, 3) || '-' || substr(b.h, 4, 2) || %2, %3, "
               "b.user_id, b.credits, 'Monthly free credit top-up: topped up to ' || %4, %5 FROM "
               "(SELECT c.user_id, c.credits, c.credit_limit, %6 AS h FROM "
               "jc_credit_topup_chosen c WHERE c.credits > 0) b")
        .arg(textCast(QStringLiteral(":id_prefix"), dialect, 19), randomHex(dialect),
             SqlTime::sqlNow(dialect), textCast(QStringLiteral("b.credit_limit"), dialect, 12),
             textCast(QStringLiteral(":period"), dialect, 7), positionHex(dialect));
}

// The key range keeps PostgreSQL on the primary key (the work table has no statistics).
QString CreditTopUpStatements::updateBalancesSql(SqlDialect dialect)
{
    return QStringLiteral("UPDATE users SET free_credits = monthly_credit_limit, updated_at = %1 "
                          "WHERE id > :after AND id <= :last AND id IN (SELECT user_id FROM "
                          "jc_credit_topup_chosen WHERE credits > 0)")
        .arg(SqlTime::sqlNow(dialect));
}

QString CreditTopUpStatements::owedByLimitSql(SqlDialect dialect, const QString &userId)
{
    return QStringLiteral("SELECT u.monthly_credit_limit, COUNT(*), SUM(u.monthly_credit_limit - "
                          "u.free_credits) FROM users u WHERE ") +
           owedWhere(userId) + noLegacyGrant(dialect, userId) +
           QStringLiteral(" GROUP BY u.monthly_credit_limit");
}

// The earliest legacy row of each user in the period, unless the user has a grant.
QString CreditTopUpStatements::adoptLegacySql(SqlDialect dialect)
{
    return QStringLiteral("UPDATE credit_adjustments SET period = :period WHERE id IN (SELECT id "
                          "FROM (SELECT l.id, ROW_NUMBER() OVER (PARTITION BY l.user_id ORDER BY "
                          "%1, l.id) AS n FROM credit_adjustments l WHERE ")
               .arg(SqlTime::typedInstants(dialect) ? QStringLiteral("l.created_at")
                                                    : QStringLiteral("julianday(l.created_at)")) +
           legacyInPeriod(dialect) +
           QStringLiteral(" AND NOT EXISTS (SELECT 1 FROM credit_adjustments c WHERE "
                          "c.user_id = l.user_id AND c.period = :period)) a WHERE a.n = 1)");
}

QString CreditTopUpStatements::legacySinceSql(SqlDialect dialect)
{
    if (SqlTime::typedInstants(dialect))
        return QStringLiteral("SELECT COUNT(*), MAX(l.created_at) FROM credit_adjustments l "
                              "WHERE ") +
               legacyWhere + QStringLiteral(" AND l.created_at > :after");
    return QStringLiteral("SELECT COUNT(*), datetime(MAX(julianday(l.created_at))) FROM "
                          "credit_adjustments l WHERE ") +
           legacyWhere +
           QStringLiteral(" AND l.created_at >= :first_day AND julianday(l.created_at) > "
                          "julianday(:after)");
}

} // namespace jc
