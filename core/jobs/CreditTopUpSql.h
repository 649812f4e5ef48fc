#pragma once

#include "common/Expected.h"
#include "jobs/CreditTopUpCounts.h"
#include "storage/SqlDialect.h"
#include "storage/SqlStatement.h"
#include "storage/SqliteCheckpointer.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

#include <memory>

namespace jc {

class ConnectionFactory;

// The SQL of the Monthly Credit Top-Up on one connection for one period ("2026-12"):
// set-based statements per batch of users, prepared once.
//
// survey() looks at the whole table once before the batches: a rerun of a period that is done
// (nothing owed) ends there, after three set-based reads, instead of visiting every user again.
//
// A batch is a key range of users (after, last] in id order, looked up before it (nextRange,
// boundaries) or, on MySQL/MariaDB, taken by the batch itself (applyNext). apply() grants, in ONE
// transaction, every user of the range who is owed a top-up of the period: 0 <= free_credits
// < monthly_credit_limit and no credit_adjustments row of (user, period) yet. Before choosing,
// it takes the write lock (SQLite: BEGIN IMMEDIATE) or chooses the owed users FOR UPDATE
// (PostgreSQL: a row a concurrent run changed meanwhile is waited for and its own new
// version checked again: topped up, it is at its limit and owed nothing; MySQL/MariaDB: a
// locking read waits the same way and then reads the newest committed users and audit rows,
// so a concurrent grant is seen whatever the transaction's snapshot), so the users it
// chose are exactly the ones whose audit rows it inserts and whose balances it sets, and
// nobody is granted twice by concurrent runs. The unique (user_id, period) index stays the
// last line of defence: on PostgreSQL the audit check is not repeated on the waited-for row,
// so a user topped up by a concurrent run *and* lowered again by the app before this batch
// locked it makes the insert fail; the batch rolls back, and the caller's retry (a fresh
// snapshot) sees the grant and skips the user.
//
// Top-ups the web app's own scheduler wrote before the switch-over have no period (APP-SCHEMA.md;
// migration 7 labelled those whose month no zone could change). adoptLegacyGrants() labels the
// period's own, found by instant in the job's zone, so that everything above counts them as
// it counts this program's grants. Until then, survey() and preview() count them as grants
// already (a dry run changes nothing, yet must say who would be owed); apply() relies on the
// adoption, which a real run does first.
//
// Errors are the QSqlError, so that the caller can tell transient ones and retry. After a
// failed apply() or adoptLegacyGrants() the transaction has been rolled back (when the
// connection still works). Use on the connection's own thread only.
class CreditTopUpSql
{
public:
    // Users (after, last], `users` of them; an empty range (users 0) means no more users.
    // A range from boundaries() counts `size` users: as many as it had when they were read.
    struct Range
    {
        QString after;
        QString last;
        qint64 users = 0;
    };

    // Where the period runs in the job's zone: from local midnight on the 1st of its month to
    // that of the next, as UTC instants, [start, end).
    struct Bounds
    {
        QDateTime start;
        QDateTime end;
    };

    // Top-up rows without a period written after the switch-over from the app's own scheduler.
    struct LegacyRows
    {
        qint64 count = 0;
        QDateTime newest;     // UTC; invalid when there are none
        QDateTime switchOver; // UTC; invalid when the database does not record one
    };

    // What a run finds at its start, over all users.
    struct Survey
    {
        qint64 users = 0;
        // Below their limit but with negative free_credits: never touched, only counted.
        qint64 skippedNegative = 0;
        // No free_credits or no monthly_credit_limit (NULL): never owed, only counted.
        qint64 withoutBalanceOrLimit = 0;
        // Top-ups of the period recorded before the run (audit rows: by an earlier,
        // interrupted or concurrent run; a user deleted since still counts), legacy grants
        // included.
        qint64 alreadyToppedUp = 0;
        // Legacy grants of the period not adopted yet: users with a top-up row of the app's
        // own scheduler in the period and no grant of it with a period.
        qint64 legacyGrants = 0;
        // At least one user is owed a top-up of the period.
        bool anyOwed = false;
    };

    // Creates the connection's temporary work table (when absent) and prepares statements.
    // `db` is the calling thread's connection from `database`; on SQLite the object also keeps
    // a connection of its own on another thread while it lasts (SqliteCheckpointer).
    static Expected<std::unique_ptr<CreditTopUpSql>, QSqlError>
    open(ConnectionFactory &database, QSqlDatabase db, const QString &period, const Bounds &bounds);

    ~CreditTopUpSql();
    CreditTopUpSql(const CreditTopUpSql &) = delete;
    CreditTopUpSql &operator=(const CreditTopUpSql &) = delete;

    // Gives the period to the app's own top-ups of it, in one short write transaction: rows
    // without a period whose reason is a top-up's and whose created_at lies within the
    // period's bounds, the earliest per user, for users without a grant of the period yet.
    // Returns how many it labelled (users). Writes nothing when it finds none.
    Expected<qint64, QSqlError> adoptLegacyGrants();
    // Top-up rows without a period written after both the switch-over (when migration 7 was
    // applied) and `notBefore`.
    Expected<LegacyRows, QSqlError> legacyRowsSinceSwitchOver(const QDateTime &notBefore);
    Expected<Survey, QSqlError> survey();
    // The next `size` users after `after` ("" before the first).
    Expected<Range, QSqlError> nextRange(const QString &after, int size);
    // The last id of every whole batch of `size` users in id order: the batches' boundaries, taken
    // in one ordered read before any batch changes a row. Looking each batch's range up as the run
    // goes visits every user once more, on pages that the batches before have just changed (random
    // UUID ids put a batch's users on as many pages as it has users). SQLite only: empty on
    // PostgreSQL and MySQL/MariaDB, where the look-ups as the run goes are cheaper (see the
    // definition).
    Expected<QStringList, QSqlError> boundaries(int size);
    // Grants what is owed in `range`, in one transaction; the range's users and grants.
    Expected<CreditTopUpCounts, QSqlError> apply(const Range &range);
    // A batch's range and what it granted.
    struct Batch
    {
        Range range;
        CreditTopUpCounts counts;
    };
    // True where a batch takes the next users itself (applyNext()) rather than a range looked up
    // before it: MySQL/MariaDB.
    static bool choosesItsOwnRange(SqlDialect dialect);
    // True where the batches' ranges are read before them, at one size (boundaries()): SQLite.
    // There the batches keep that size (a batch also holds the whole database's write lock);
    // elsewhere they may grow (BatchSizer).
    static bool readsRangesAhead(SqlDialect dialect);
    // As apply() for the next `size` users after `after`, chosen within the batch's transaction
    // (see CreditTopUpStatements::chooseNextSql); an empty range when there are none. Where the
    // collation of users.id could not be named, the work table's order might not be that of
    // users.id: then the range is looked up first (nextRange) and applied. MySQL/MariaDB only.
    Expected<Batch, QSqlError> applyNext(const QString &after, int size);
    // PostgreSQL: ANALYZE credit_adjustments, so that the planner knows the rows this run
    // added (with a table it believes empty it scans it whole for every batch). Outside any
    // transaction; SQLite and MySQL (InnoDB samples a table again after a tenth of it
    // changed): nothing.
    std::optional<QSqlError> refreshStatistics();
    // What apply() would grant now (users and grants); changes nothing.
    Expected<CreditTopUpCounts, QSqlError> preview(const Range &range);

private:
    // SQLite: the log may grow to this many frames (pages) before it is copied back and
    // started over (80 MiB at 4 KiB a page); see tuneSqlite().
    static constexpr qint64 checkpointLogFrames = 20000;

    CreditTopUpSql(QSqlDatabase db, SqlDialect dialect, QString period, Bounds bounds);

    std::optional<QSqlError> createChosenTable();
    std::optional<QSqlError> createChosenMySqlTable();
    std::optional<QSqlError> createInMemory(const QString &create);
    // MySQL: the collation of users.id ("" when it has none or cannot be named).
    Expected<QString, QSqlError> usersIdCollation();
    std::optional<QSqlError> compareAcrossCollations(const QString &usersIdCollation);
    std::optional<QSqlError> tuneSqlite(ConnectionFactory &database);
    std::optional<QSqlError> prepareAll();
    std::optional<QSqlError> exec(SqlStatement &statement, const SqlStatement::Values &values);
    std::optional<QSqlError> execText(const QString &sql);
    [[nodiscard]] QString beginStatement() const;
    // The first column of the query's first row as an integer; 0 when it has no row.
    Expected<qint64, QSqlError> firstInteger(SqlStatement &statement,
                                             const SqlStatement::Values &values);
    // Reads (limit, users, credits) rows of `query` into `counts` as grants.
    static void readGrants(SqlStatement &statement, CreditTopUpCounts &counts);
    // TRUNCATE of the work table where it must come first (MySQL), then BEGIN.
    std::optional<QSqlError> beginBatch();
    std::optional<QSqlError> commitBatch();
    Expected<CreditTopUpCounts, QSqlError> applyInTransaction(const Range &range);
    Expected<Batch, QSqlError> applyNextInTransaction(const QString &after, int size);
    // The audit rows and balances of the chosen users in `range`, and their counts.
    Expected<CreditTopUpCounts, QSqlError> grantChosen(const Range &range);
    // The values bound for the legacy rows of the period: the period (":period") and its
    // bounds as the dialect compares them (":start", ":end"; SQLite also ":first_day",
    // ":last_day").
    [[nodiscard]] SqlStatement::Values periodValues() const;
    Expected<QDateTime, QSqlError> switchOver();
    void rollback();

    QSqlDatabase m_db;
    SqlDialect m_dialect;
    std::unique_ptr<SqliteCheckpointer> m_checkpointer; // SQLite, while the run lasts
    QString m_period;
    Bounds m_bounds;
    SqlStatement m_surveyUsers;
    SqlStatement m_countGranted;
    SqlStatement m_findOwed;
    SqlStatement m_nextRange;
    SqlStatement m_boundaries;
    SqlStatement m_clearChosen;
    SqlStatement m_chooseOwed;
    SqlStatement m_chooseNext;
    SqlStatement m_chosenRange;
    SqlStatement m_insertAudit;
    SqlStatement m_updateBalances;
    SqlStatement m_chosenByLimit;
    SqlStatement m_owedByLimit;
    SqlStatement m_countLegacy;
    SqlStatement m_adoptLegacy;
    SqlStatement m_switchOver;
    SqlStatement m_legacySince;
    QStringList m_restore; // PRAGMAs that undo tuneSqlite()
    // MySQL: the work table's user_id has the collation of users.id (applyNext()).
    bool m_chosenInUsersOrder = false;
};

} // namespace jc
