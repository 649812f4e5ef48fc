#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>

namespace jc {

// While one lives on a thread, the SqlStatements made there on one connection with one text
// share a prepared query: a transaction that writes 250 claims prepares jc_runs' INSERT once,
// not 250 times (preparing that 20-column INSERT cost more than running it: a burst of
// 10,000 claims took half the time with it prepared once). The same for every statement.
//
// Scope it to one transaction at most: the connection must not be closed or reopened while it
// lives (its prepared queries would go with the connection), and every statement made in it
// must end before it does. A text in use by a live
// SqlStatement is not shared: a second statement of it gets its own query, as without reuse.
// Nested scopes leave the outer one in charge.
//
// Thread: the one that made it; it affects only statements made on that thread.
class StatementReuse
{
public:
    StatementReuse();
    ~StatementReuse();
    StatementReuse(const StatementReuse &) = delete;
    StatementReuse &operator=(const StatementReuse &) = delete;

private:
    friend class SqlStatement;

    // A query kept for reuse, once prepared, and the placeholders of its text.
    struct Prepared
    {
        std::shared_ptr<QSqlQuery> query;
        QStringList names;
        bool prepared = false; // set by the first statement that prepared `query`
        bool inUse = false;
    };

    // The calling thread's slot for `sql` on `db`, marked in use. Null when no scope lives on
    // this thread, or when a live statement holds the slot.
    static Prepared *acquire(const QSqlDatabase &db, const QString &sql);
    // Gives the slot back (null: nothing to do).
    static void release(Prepared *prepared);

    std::map<QString, Prepared> m_prepared; // connection name, a newline, the text
    StatementReuse *m_outer = nullptr;
};

} // namespace jc
