#pragma once

#include "storage/SqlDialect.h"

#include <QSqlError>
#include <QString>

namespace jc {

// Classifies a QSqlError of a dialect, so that callers decide on meaning, not on driver codes:
// SQLite reports its (extended) result code as the native error code, PostgreSQL its
// five-character SQLSTATE, MySQL/MariaDB its error number. SQLite's and MySQL's numbers
// overlap (2067 is a unique violation to one, a client error to the other), so the dialect is
// always given. Stateless; any thread.
class SqlErrors
{
public:
    // A unique or primary key was violated: for a claim insert, "someone else has it".
    static bool isUniqueViolation(const QSqlError &error, SqlDialect dialect);

    // The connection to the server is gone (server restart, terminated backend, network).
    // Qt's PostgreSQL driver also closes the QSqlDatabase then; the connection factory
    // reopens it on its next use.
    static bool isConnectionLost(const QSqlError &error, SqlDialect dialect);

    // Worth retrying after a pause: busy or locked (SQLite), serialization failure, deadlock
    // or lock timeout (PostgreSQL, MySQL), or a lost connection.
    static bool isTransient(const QSqlError &error, SqlDialect dialect);

    // A write was refused because this connection may not write to the database: a
    // read-only transaction (PostgreSQL 25006: default_transaction_read_only, a hot standby),
    // a missing privilege (42501: a user that may only read) or a read-only SQLite file,
    // folder or file system (SQLITE_READONLY); MySQL: a read-only transaction or server, a
    // denied command. Ask it of a statement that writes.
    static bool isReadOnly(const QSqlError &error, SqlDialect dialect);

    // The most telling text of the error on one line: the database's text, else the driver's.
    static QString text(const QSqlError &error);
};

} // namespace jc
