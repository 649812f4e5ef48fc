#include "storage/SqlErrors.h"

#include <QStringList>

#include <algorithm>

namespace jc {

namespace {

// SQLite codes: https://www.sqlite.org/rescode.html. The low byte is the primary code.
constexpr int SqliteBusy = 5;
constexpr int SqliteLocked = 6;
constexpr int SqliteReadOnly = 8;
constexpr int SqliteConstraintPrimaryKey = 1555;
constexpr int SqliteConstraintUnique = 2067;

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

} // namespace

bool SqlErrors::isUniqueViolation(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    if (isSqlState(code))
        return code == QLatin1String("23505");
    bool ok = false;
    const int sqlite = sqliteCode(error, &ok);
    return ok && (sqlite == SqliteConstraintUnique || sqlite == SqliteConstraintPrimaryKey);
}

bool SqlErrors::isConnectionLost(const QSqlError &error)
{
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

bool SqlErrors::isTransient(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    if (isSqlState(code)) {
        return code == QLatin1String("40001") || code == QLatin1String("40P01") ||
               code == QLatin1String("55P03") || isConnectionLost(error);
    }
    bool ok = false;
    const int primary = sqliteCode(error, &ok) & 0xff;
    return (ok && (primary == SqliteBusy || primary == SqliteLocked)) || isConnectionLost(error);
}

bool SqlErrors::isReadOnly(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    if (isSqlState(code))
        return code == QLatin1String("25006") || code == QLatin1String("42501");
    bool ok = false;
    const int primary = sqliteCode(error, &ok) & 0xff;
    return ok && primary == SqliteReadOnly;
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
