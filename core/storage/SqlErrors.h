#pragma once

#include <QSqlError>
#include <QString>

namespace jc {

// Classifies a QSqlError from either dialect, so that callers decide on meaning, not on
// driver codes: SQLite reports its (extended) result code as the native error code, PostgreSQL
// its five-character SQLSTATE. Stateless; any thread.
class SqlErrors
{
public:
    // A unique or primary key was violated: for a claim insert, "someone else has it".
    static bool isUniqueViolation(const QSqlError &error);

    // The connection to the server is gone (server restart, terminated backend, network).
    // Qt's PostgreSQL driver also closes the QSqlDatabase then; the connection factory
    // reopens it on its next use.
    static bool isConnectionLost(const QSqlError &error);

    // Worth retrying after a pause: busy or locked (SQLite), serialization failure, deadlock
    // or lock timeout (PostgreSQL), or a lost connection.
    static bool isTransient(const QSqlError &error);

    // The most telling text of the error on one line: the database's text, else the driver's.
    static QString text(const QSqlError &error);
};

} // namespace jc
