#include "storage/SqlErrors.h"

#include "storage/SqliteResultCode.h"

#include <QStringList>

#include <algorithm>

namespace jc {

namespace {

bool isSqlState(const QString &code)
{
    return code.size() == 5 && !code.startsWith(u'-');
}

int sqliteCode(const QSqlError &error, bool *ok)
{
    const QString code = error.nativeErrorCode();
    *ok = !code.isEmpty() && !isSqlState(code);
    return *ok ? code.toInt(ok) : 0;
}

// MySQL/MariaDB error numbers (server: include/mysqld_error.h, client: errmsg.h).
int mysqlCode(const QSqlError &error)
{
    return error.nativeErrorCode().toInt(); // 0 when there is none
}

constexpr int MySqlDuplicateEntry = 1062;
constexpr int MySqlDuplicateEntryWithKeyName = 1586;
constexpr int MySqlLockWaitTimeout = 1205;
constexpr int MySqlDeadlock = 1213;
constexpr int MySqlLockNowait = 3572;

bool isMySqlConnectionLost(int code)
{
    // Can't connect (2002, 2003), server gone away (2006), lost during a query (2013, 2055),
    // shutdown in progress (1053), killed (1927 MariaDB), disconnected for inactivity (4031).
    return code == 2002 || code == 2003 || code == 2006 || code == 2013 || code == 2055 ||
           code == 1053 || code == 1927 || code == 4031;
}

bool isMySqlReadOnly(int code)
{
    // Read-only transaction (1792), --read-only server (1290), a command, database or table
    // denied to the user (1142, 1044, 1227).
    return code == 1792 || code == 1290 || code == 1142 || code == 1044 || code == 1227;
}

} // namespace

bool SqlErrors::isUniqueViolation(const QSqlError &error, SqlDialect dialect)
{
    if (dialect == SqlDialect::MySql) {
        const int code = mysqlCode(error);
        return code == MySqlDuplicateEntry || code == MySqlDuplicateEntryWithKeyName;
    }
    const QString code = error.nativeErrorCode();
    if (isSqlState(code))
        return code == QLatin1String("23505");
    bool ok = false;
    const int sqlite = sqliteCode(error, &ok);
    return ok && (sqlite == SqliteResultCode::ConstraintUnique ||
                  sqlite == SqliteResultCode::ConstraintPrimaryKey);
}

bool SqlErrors::isConnectionLost(const QSqlError &error, SqlDialect dialect)
{
    if (dialect == SqlDialect::MySql)
        return isMySqlConnectionLost(mysqlCode(error));
    const QString code = error.nativeErrorCode();
    if (code.startsWith(QLatin1String("08")) || code == QLatin1String("57P01") ||
        code == QLatin1String("57P02") || code == QLatin1String("57P03")) {
        return true;
    }
    // libpq reports a connection that died between statements without any SQLSTATE.
    const QString message = error.databaseText() + u' ' + error.driverText();
    const auto symptoms = {"server closed the connection", "no connection to the server",
                           "could not receive data from server", "could not send data",
                           "terminating connection"};
    return std::ranges::any_of(symptoms, [&message](const char *symptom) {
        return message.contains(QLatin1String(symptom), Qt::CaseInsensitive);
    });
}

bool SqlErrors::isTransient(const QSqlError &error, SqlDialect dialect)
{
    if (dialect == SqlDialect::MySql) {
        const int code = mysqlCode(error);
        return code == MySqlLockWaitTimeout || code == MySqlDeadlock || code == MySqlLockNowait ||
               isMySqlConnectionLost(code);
    }
    const QString code = error.nativeErrorCode();
    if (isSqlState(code)) {
        return code == QLatin1String("40001") || code == QLatin1String("40P01") ||
               code == QLatin1String("55P03") || isConnectionLost(error, dialect);
    }
    bool ok = false;
    const int primary = sqliteCode(error, &ok) & 0xff;
    return (ok && (primary == SqliteResultCode::Busy || primary == SqliteResultCode::Locked)) ||
           isConnectionLost(error, dialect);
}

bool SqlErrors::isReadOnly(const QSqlError &error, SqlDialect dialect)
{
    if (dialect == SqlDialect::MySql)
        return isMySqlReadOnly(mysqlCode(error));
    const QString code = error.nativeErrorCode();
    if (isSqlState(code))
        return code == QLatin1String("25006") || code == QLatin1String("42501");
    bool ok = false;
    const int primary = sqliteCode(error, &ok) & 0xff;
    return ok && primary == SqliteResultCode::ReadOnly;
}

QString SqlErrors::text(const QSqlError &error)
{
    QString message = error.databaseText().trimmed();
    if (message.isEmpty())
        message = error.driverText().trimmed();
    QStringList lines = message.split(u'\n', Qt::SkipEmptyParts);
    for (QString &line : lines)
        line = line.trimmed();
    return lines.join(u' ');
}

} // namespace jc
