#pragma once

// The first value of a one-row query, for tests that look at what was written.
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace jc::test {

// The first column of the first row `sql` returns, or the error's text when it fails.
inline QVariant scalar(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next())
        return query.lastError().text();
    return query.value(0);
}

} // namespace jc::test
