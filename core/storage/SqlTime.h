#pragma once

#include "storage/SqlDialect.h"

#include <QDateTime>
#include <QString>
#include <QVariant>

namespace jc {

// How instants are stored, in one place.
//
// The app's tables (users, credit_adjustments, credit_purchases, team_block_states) keep the
// app's convention:
//   - PostgreSQL: `timestamptz` (an instant; Qt binds a QDateTime as UTC, reads it back as an
//     instant, whatever the session's TimeZone);
//   - SQLite: TEXT in UTC, "YYYY-MM-DD HH:MM:SS" (no 'T', no zone, whole seconds), the format
//     of SQLite's own CURRENT_TIMESTAMP and datetime(), so the app and SQL compare as text;
//   - MySQL/MariaDB: TIMESTAMP (the app's type), read and written in a session whose
//     time_zone is +00:00, so neither the server's nor the session's zone shifts an instant.
// The scheduler's tables (jc_*) use bigint milliseconds since the epoch, UTC, in columns
// named *_ms, on both dialects: no parsing, exact ordering, and the same values everywhere.
//
// Stateless; any thread.
class SqlTime
{
public:
    // The value to bind for an app-table timestamp column. An invalid QDateTime binds NULL.
    static QVariant toSql(const QDateTime &time, SqlDialect dialect);

    // Reads an app-table timestamp column back as a QDateTime in Qt::UTC; invalid for NULL or
    // for text that is not in the documented format.
    static QDateTime fromSql(const QVariant &value, SqlDialect dialect);

    // The SQL expression for "now" in an app-table timestamp column (the database's clock):
    // CURRENT_TIMESTAMP on both dialects, which SQLite writes in the format above.
    static QString sqlNow(SqlDialect dialect);

    // *_ms columns: milliseconds since the epoch, UTC. An invalid QDateTime binds NULL.
    static QVariant toMsecs(const QDateTime &time);
    // Reads a *_ms column as a QDateTime in Qt::UTC; invalid for NULL.
    static QDateTime fromMsecs(const QVariant &value);

    // Whether the app's timestamp columns hold typed instants that SQL compares as instants
    // (PostgreSQL timestamptz, MySQL TIMESTAMP), rather than SQLite's text in several forms.
    static bool typedInstants(SqlDialect dialect) { return dialect != SqlDialect::Sqlite; }

    // The SQLite text format, for QDateTime::toString / fromString.
    static QString sqliteFormat() { return QStringLiteral("yyyy-MM-dd HH:mm:ss"); }
};

} // namespace jc
