#pragma once

#include "storage/DatabaseConnector.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace jc {

// The MySQL/MariaDB steps of opening and keeping a connection, used by ConnectionFactory.
// Stateless; each call works on a connection of the calling thread.
//
// Every session reads and writes instants in UTC (time_zone '+00:00'), so that neither the
// server's nor the session's zone shifts a TIMESTAMP (SqlTime), speaks utf8mb4, is strict (a
// value that does not fit is an error, not a silent truncation) and quotes identifiers with
// double quotes (ANSI_QUOTES), as SQLite and PostgreSQL do: the scheduler's tables have
// columns named `trigger`, `before` and `after`, words MySQL reserves. `||` concatenates
// (PIPES_AS_CONCAT) as in standard SQL, so statements that build text read the same on every
// dialect.
class MySqlConnector final : public DatabaseConnector
{
public:
    // Sets host, port, database, user, password and the URL's options on a not yet opened
    // connection, with a connect timeout (from the options) unless the URL gives one. A URL
    // without a password leaves it to MYSQL_PWD (read by the client library), else takes the
    // [client] group's password of ~/.my.cnf, as the mysql client does (Qt 6.4's driver
    // cannot make the library read option files).
    void configure(QSqlDatabase &db, const DatabaseUrl &url,
                   const ConnectionOptions &options) const override;

    // The `password` of the [client] group of the option file `path`, quotes removed; empty
    // when there is none or the file cannot be read.
    static QString optionFilePassword(const QString &path);

    // Why a server of `version` (SELECT VERSION(): "8.0.36", "10.11.19-MariaDB-0+deb12u1")
    // cannot serve Job Console: older than MySQL 8.0 or MariaDB 10.5. nullopt when it can.
    static std::optional<QString> versionProblem(const QString &version);

    // After open(): the server's version is checked (versionProblem), then the session
    // settings above (with options.readOnly, a read-only session).
    // The error, in words, when one is refused.
    [[nodiscard]] std::optional<QString> setUp(QSqlDatabase &db, const DatabaseUrl &url,
                                               const ConnectionOptions &options) const override;

    // Why db.open() failed, in words, with what to do: unreachable server, refused login,
    // unknown database; the client library's own text is appended.
    [[nodiscard]] QString openFailed(const DatabaseUrl &url, const QSqlError &error) const override;
};

} // namespace jc
