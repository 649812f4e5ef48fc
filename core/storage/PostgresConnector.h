#pragma once

#include "storage/DatabaseConnector.h"

#include <QSqlDatabase>
#include <QString>

namespace jc {

// The PostgreSQL steps of opening and keeping a connection, used by ConnectionFactory.
// Stateless; each call works on a connection of the calling thread.
class PostgresConnector final : public DatabaseConnector
{
public:
    // Sets host, port, database, user, password and connect options on a not yet opened
    // connection. Adds connect_timeout (from the options) and application_name=jobconsole
    // unless the URL gives them; with options.readOnly, default_transaction_read_only=on.
    void configure(QSqlDatabase &db, const DatabaseUrl &url,
                   const ConnectionOptions &options) const override;

    // A round trip (SELECT 1): false when the server is gone.
    static bool isAlive(QSqlDatabase &db);

    // Why db.open() failed, in words, with what to do: unreachable server, refused login,
    // missing database, SSL trouble; libpq's own text is appended.
    [[nodiscard]] QString openFailed(const DatabaseUrl &url, const QSqlError &error) const override;
};

} // namespace jc
