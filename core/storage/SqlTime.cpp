#include "storage/SqlTime.h"

namespace jc {

QVariant SqlTime::toSql(const QDateTime &time, SqlDialect dialect)
{
    if (!time.isValid())
        return QVariant(QMetaType::fromType<QDateTime>());
    switch (dialect) {
    case SqlDialect::Postgres:
    case SqlDialect::MySql: // TIMESTAMP in a session whose time_zone is +00:00 (MySqlConnector)
        return time.toUTC();
    case SqlDialect::Sqlite:
        return time.toUTC().toString(sqliteFormat());
    }
    return {};
}

QDateTime SqlTime::fromSql(const QVariant &value, SqlDialect dialect)
{
    if (value.isNull())
        return {};
    if (dialect == SqlDialect::MySql) {
        // The session's time_zone is +00:00: the server's wall time is UTC, which QMYSQL
        // hands over without a zone.
        const QDateTime wall = value.toDateTime();
        return wall.isValid() ? QDateTime(wall.date(), wall.time(), Qt::UTC) : QDateTime();
    }
    if (dialect == SqlDialect::Postgres || value.metaType() == QMetaType::fromType<QDateTime>())
        return value.toDateTime().toUTC();
    // SQLite: the documented format; an ISO 8601 'T' is accepted too, as the app may write it.
    // Date and time are parsed apart: parsing them together would go through local time and
    // lose the instants that fall into a DST gap there.
    const QString text = value.toString();
    if (text.size() < 19 || (text[10] != u' ' && text[10] != u'T'))
        return {};
    const QDate date = QDate::fromString(text.left(10), QStringLiteral("yyyy-MM-dd"));
    const QTime time = QTime::fromString(text.mid(11, 8), QStringLiteral("HH:mm:ss"));
    if (!date.isValid() || !time.isValid())
        return {};
    return {date, time, Qt::UTC};
}

QString SqlTime::sqlNow(SqlDialect)
{
    return QStringLiteral("CURRENT_TIMESTAMP");
}

QVariant SqlTime::toMsecs(const QDateTime &time)
{
    if (!time.isValid())
        return QVariant(QMetaType::fromType<qint64>());
    return time.toMSecsSinceEpoch();
}

QDateTime SqlTime::fromMsecs(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

} // namespace jc
