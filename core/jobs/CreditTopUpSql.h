#pragma once

#include "common/Expected.h"
#include "jobs/CreditTopUpCounts.h"
#include "storage/SqlDialect.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

#include <memory>

namespace jc {

// The SQL of the Monthly Credit Top-Up on one connection for one period ("2026-12"):
// set-based statements per batch of users, prepared once.
//
// survey() looks at the whole table once before the batches: a rerun of a period that is done
// (nothing owed) ends there, after three set-based reads, instead of visiting every user again.
//
// A batch is a key range of users (after, last] in id order. apply() grants, in ONE
// transaction, every user of the range who is owed a top-up of the period: 0 <= free_credits
// < monthly_credit_limit and no credit_adjustments row of (user, period) yet. Before choosing,
// it takes the write lock (SQLite: BEGIN IMMEDIATE) or chooses the owed users FOR UPDATE
// (PostgreSQL: a row a concurrent run changed meanwhile is waited for and its own new
// version checked again: topped up, it is at its limit and owed nothing), so the users it
// chose are exactly the ones whose audit rows it inserts and whose balances it sets, and
// nobody is granted twice by concurrent runs. The unique (user_id, period) index stays the
// last line of defence: on PostgreSQL the audit check is not repeated on the waited-for row,
// so a user topped up by a concurrent run *and* lowered again by the app before this batch
// locked it makes the insert fail; the batch rolls back, and the caller's retry (a fresh
// snapshot) sees the grant and skips the user.
//
// Errors are the QSqlError, so that the caller can tell transient ones and retry. After a
// failed apply() the transaction has been rolled back (when the connection still works).
// Use on the connection's own thread only.
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

    // What a run finds at its start, over all users.
    struct Survey
    {
        qint64 users = 0;
        // Negative free_credits, or a limit of zero or less: never touched, only counted.
        qint64 skippedNegative = 0;
        // Top-ups of the period recorded before the run (audit rows: by an earlier,
        // interrupted or concurrent run; a user deleted since still counts).
        qint64 alreadyToppedUp = 0;
        // At least one user is owed a top-up of the period.
        bool anyOwed = false;
    };

    // Creates the connection's temporary work table (when absent) and prepares statements.
    static Expected<std::unique_ptr<CreditTopUpSql>, QSqlError>
    open(QSqlDatabase db, SqlDialect dialect, const QString &period);

    ~CreditTopUpSql();
    CreditTopUpSql(const CreditTopUpSql &) = delete;
    CreditTopUpSql &operator=(const CreditTopUpSql &) = delete;

    Expected<Survey, QSqlError> survey();
    // The next `size` users after `after` ("" before the first).
    Expected<Range, QSqlError> nextRange(const QString &after, int size);
    // The last id of every whole batch of `size` users in id order: the batches' boundaries, taken
    // in one ordered read before any batch changes a row. Looking each batch's range up as the run
    // goes visits every user once more, on pages that the batches before have just changed (random
    // UUID ids put a batch's users on as many pages as it has users).
    Expected<QStringList, QSqlError> boundaries(int size);
    // Grants what is owed in `range`, in one transaction; the range's users and grants.
    Expected<CreditTopUpCounts, QSqlError> apply(const Range &range);
    // PostgreSQL: ANALYZE credit_adjustments, so that the planner knows the rows this run
    // added (with a table it believes empty it scans it whole for every batch). Outside any
    // transaction; SQLite: nothing.
    std::optional<QSqlError> refreshStatistics();
    // What apply() would grant now (users and grants); changes nothing.
    Expected<CreditTopUpCounts, QSqlError> preview(const Range &range);

private:
    CreditTopUpSql(QSqlDatabase db, SqlDialect dialect, QString period);

    std::optional<QSqlError> createChosenTable();
    std::optional<QSqlError> tuneSqlite();
    std::optional<QSqlError> prepareAll();
    std::optional<QSqlError> exec(QSqlQuery &query, const QVariantList &values);
    std::optional<QSqlError> execText(const QString &sql);
    // The first column of the query's first row as an integer; 0 when it has no row.
    Expected<qint64, QSqlError> firstInteger(QSqlQuery &query, const QVariantList &values);
    // Reads (limit, users, credits) rows of `query` into `counts` as grants.
    static void readGrants(QSqlQuery &query, CreditTopUpCounts &counts);
    Expected<CreditTopUpCounts, QSqlError> applyInTransaction(const Range &range);
    void rollback();

    QSqlDatabase m_db;
    SqlDialect m_dialect;
    QString m_period;
    QSqlQuery m_surveyUsers;
    QSqlQuery m_countGranted;
    QSqlQuery m_findOwed;
    QSqlQuery m_nextRange;
    QSqlQuery m_boundaries;
    QSqlQuery m_clearChosen;
    QSqlQuery m_chooseOwed;
    QSqlQuery m_insertAudit;
    QSqlQuery m_updateBalances;
    QSqlQuery m_chosenByLimit;
    QSqlQuery m_owedByLimit;
    QStringList m_restore; // PRAGMAs that undo tuneSqlite()
};

} // namespace jc
