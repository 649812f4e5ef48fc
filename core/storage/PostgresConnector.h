#pragma once

#include "storage/ConnectionOptions.h"
#include "storage/DatabaseUrl.h"

#include <QSqlDatabase>
#include <QString>

namespace jc {

// The PostgreSQL steps of opening and keeping a connection, used by ConnectionFactory.
// Stateless; each call works on a connection of the calling thread.
class PostgresConnector
{
public:
    // Sets host, port, database, user, password and connect options on a not yet opened
    // connection. Adds connect_timeout (from the options) and application_name=jobconsole
    // unless the URL gives them; with options.readOnly, default_transaction_read_only=on.
    static void configure(QSqlDatabase &db, const DatabaseUrl &url,
                          const ConnectionOptions &options);

    // A round trip (SELECT 1): false when the server is gone.
    static bool isAlive(QSqlDatabase &db);

    // Why db.open() failed, in words, with what to do: unreachable server, refused login,
    // missing database, SSL trouble; libpq's own text is appended.
    static QString openFailed(const DatabaseUrl &url, const QSqlError &error);
};

} // namespace jc
