#pragma once

#include "storage/StatementReuse.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantMap>

#include <memory>
#include <optional>

namespace jc {

// One SQL statement with named bind values, prepared once and run as often as needed: the one
// shape of prepare, bind and exec in the storage code and the jobs.
//
//   SqlStatement update(db, u"UPDATE jc_runs SET status = :status WHERE id = :run"_s);
//   if (const auto failure = update.exec({{u":status"_s, status}, {u":run"_s, id}}))
//       return failure->text();
//   const int changed = update.numRowsAffected();
//
// Placeholders are ":" and a name of letters, digits and underscores, outside quotes and not
// part of a PostgreSQL "::" cast (Qt's own rule). A name may occur more than once; it is
// bound once. Qt passes named placeholders to SQLite as they are and rewrites them to
// positional ones for PostgreSQL and MySQL, so one text serves every dialect.
//
// Every exec() binds every name the statement has, and no other: a missing or unknown name
// (a typo, a condition added without its value) is a Failure before anything reaches the
// database, where Qt would silently bind NULL or nothing.
//
// Prepared by the first exec() (or prepare(), to learn of a bad statement early); later
// exec()s reuse the prepared statement, so a hot loop keeps one server-side statement. Within
// a StatementReuse scope, statements of one text share one prepared query (one at a time). Rows
// are read forward only. Not copyable (one statement, one prepared query), but movable.
//
// Thread: the connection's own (a QSqlDatabase belongs to the thread that opened it).
class SqlStatement
{
public:
    // Placeholder (":name") -> value; a null QVariant of a type binds NULL.
    using Values = QVariantMap;

    // Why a statement failed: what was run and the database's error, for the caller to
    // classify (SqlErrors) or show.
    struct Failure
    {
        QString sql;
        QSqlError error;

        // The database's words on one line (SqlErrors::text): what callers show a person.
        [[nodiscard]] QString text() const;
        // The same after the statement's first words, for logs and programming errors.
        [[nodiscard]] QString withStatement() const;
    };

    SqlStatement(const QSqlDatabase &db, QString sql);
    ~SqlStatement();
    SqlStatement(const SqlStatement &) = delete;
    SqlStatement &operator=(const SqlStatement &) = delete;
    SqlStatement(SqlStatement &&other) noexcept;
    SqlStatement &operator=(SqlStatement &&other) noexcept;

    // Prepares the statement unless it already is.
    std::optional<Failure> prepare();
    // Binds `values` and runs the statement; its rows, if any, are then read with next().
    std::optional<Failure> exec(const Values &values = {});

    bool next() { return m_query->next(); }
    [[nodiscard]] QVariant value(int column) const { return m_query->value(column); }
    [[nodiscard]] int numRowsAffected() const { return m_query->numRowsAffected(); }
    [[nodiscard]] QVariant lastInsertId() const { return m_query->lastInsertId(); }
    // Ends reading the rows before the last one, so that the connection can go on.
    void finish() { m_query->finish(); }
    // Whether this statement took the query an earlier statement of its text prepared in the
    // StatementReuse scope (nothing was prepared for it).
    [[nodiscard]] bool isReused() const { return m_reused; }
    // The current row, for readers that take a query.
    [[nodiscard]] const QSqlQuery &query() const { return *m_query; }

    [[nodiscard]] const QString &sql() const { return m_sql; }

    // The distinct placeholders of `sql` by the rule above.
    static QStringList placeholdersOf(const QString &sql);

    // Values that bind NULL: a column's NULL needs the column's type on some drivers.
    template <typename T> static QVariant null() { return QVariant(QMetaType::fromType<T>()); }
    // `text`, or NULL when it is empty: optional text columns hold NULL, never "".
    static QVariant nullIfEmpty(const QString &text)
    {
        return text.isEmpty() ? null<QString>() : QVariant(text);
    }

private:
    [[nodiscard]] Failure failure(const QSqlError &error) const;

    std::shared_ptr<QSqlQuery> m_query; // shared with the StatementReuse slot, if any
    QString m_sql;
    QStringList m_names;
    bool m_prepared = false;
    bool m_reused = false;
    StatementReuse::Prepared *m_shared = nullptr; // the scope's slot this statement holds
};

} // namespace jc
