#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace jc {

// Inserts rows into one table with multi-row INSERT statements ("VALUES (?, ?), (?, ?), …"),
// prepared once and run again for every full batch: the fast path on both SQLite and
// PostgreSQL without dialect-specific bulk loaders. Rows are sent when a statement's worth
// has been added and by flush(). The caller owns the transaction. Thread of the connection.
//
// It binds by position, unlike the rest (SqlStatement): a statement carries thousands of
// values, and named ones would cost a map entry and a name look-up each, for every batch.
class RowBatcher
{
public:
    // Each statement carries as many rows as fit in `maxParameters` bound values (SQLite
    // allows 32766 per statement, PostgreSQL 65535).
    RowBatcher(QSqlDatabase db, QString table, const QStringList &columns,
               int maxParameters = 8000);

    // Adds one row (one value per column, in order); sends a full batch. The error is the
    // database's text with the table's name.
    std::optional<QString> add(const QVariantList &row);
    std::optional<QString> flush();

    [[nodiscard]] qint64 rowsWritten() const { return m_written; }

private:
    [[nodiscard]] QString insertSql(int rows) const;
    std::optional<QString> send(QSqlQuery &query, int rows);

    QSqlDatabase m_db;
    QString m_table;
    QStringList m_columns;
    int m_rowsPerStatement;
    QVariantList m_pending;
    int m_pendingRows = 0;
    qint64 m_written = 0;
    QSqlQuery m_full;
    bool m_fullPrepared = false;
};

} // namespace jc
