#pragma once

#include "storage/SqlDialect.h"

#include <QString>
#include <QStringList>

namespace jc {

// The end of an INSERT that updates the row with the same key instead of failing: SQLite and
// PostgreSQL `ON CONFLICT (key) DO UPDATE SET c = excluded.c`, MySQL `ON DUPLICATE KEY UPDATE
// c = VALUES(c)` (the table's primary or unique key decides there). `columns` are those the
// existing row takes from the new one.
inline QString upsertTail(SqlDialect dialect, const QString &key, const QStringList &columns)
{
    QStringList sets;
    for (const QString &column : columns)
        sets.append(dialect == SqlDialect::MySql ? QStringLiteral("%1 = VALUES(%1)").arg(column)
                                                 : QStringLiteral("%1 = excluded.%1").arg(column));
    const QString joined = sets.join(QStringLiteral(", "));
    return dialect == SqlDialect::MySql
               ? QStringLiteral("ON DUPLICATE KEY UPDATE ") + joined
               : QStringLiteral("ON CONFLICT (%1) DO UPDATE SET ").arg(key) + joined;
}

} // namespace jc
