#include "seed/RowBatcher.h"

#include "storage/SqlErrors.h"

#include <QSqlError>

#include <algorithm>

namespace jc {

RowBatcher::RowBatcher(QSqlDatabase db, QString table, const QStringList &columns,
                       int maxParameters)
    : m_db(db)
    , m_table(std::move(table))
    , m_columns(columns)
    , m_rowsPerStatement(std::max(1, maxParameters / std::max(1, int(columns.size()))))
    , m_full(db)
{
    m_pending.reserve(qsizetype(m_rowsPerStatement) * columns.size());
}

std::optional<QString> RowBatcher::add(const QVariantList &row)
{
    m_pending.append(row);
    if (++m_pendingRows < m_rowsPerStatement)
        return std::nullopt;
    if (!m_fullPrepared) {
        if (!m_full.prepare(insertSql(m_rowsPerStatement)))
            return QStringLiteral("Could not prepare the insert into %1: %2")
                .arg(m_table, SqlErrors::text(m_full.lastError()));
        m_fullPrepared = true;
    }
    return send(m_full, m_rowsPerStatement);
}

std::optional<QString> RowBatcher::flush()
{
    if (m_pendingRows == 0)
        return std::nullopt;
    QSqlQuery query(m_db);
    if (!query.prepare(insertSql(m_pendingRows)))
        return QStringLiteral("Could not prepare the insert into %1: %2")
            .arg(m_table, SqlErrors::text(query.lastError()));
    return send(query, m_pendingRows);
}

QString RowBatcher::insertSql(int rows) const
{
    QString marks = QStringLiteral("(?");
    for (qsizetype i = 1; i < m_columns.size(); ++i)
        marks += QStringLiteral(", ?");
    marks += u')';
    QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES ")
                      .arg(m_table, m_columns.join(QStringLiteral(", ")));
    sql.reserve(sql.size() + rows * (marks.size() + 2));
    for (int i = 0; i < rows; ++i) {
        if (i > 0)
            sql += QStringLiteral(", ");
        sql += marks;
    }
    return sql;
}

std::optional<QString> RowBatcher::send(QSqlQuery &query, int rows)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i)
        query.bindValue(int(i), m_pending.at(i));
    const bool ok = query.exec();
    m_pending.clear();
    m_pendingRows = 0;
    if (!ok)
        return QStringLiteral("Could not insert %1 rows into %2: %3")
            .arg(rows)
            .arg(m_table, SqlErrors::text(query.lastError()));
    m_written += rows;
    return std::nullopt;
}

} // namespace jc
