#pragma once

#include "common/Expected.h"
#include "storage/SqlDialect.h"

#include <QList>
#include <QString>

#include <utility>

namespace jc {

// Names one database with one string, the same everywhere (`jobctl --db`, JOBCONSOLE_DB, the
// console's settings). Accepted forms:
//   sqlite:/path/to/file.db, sqlite:///path/to/file.db, sqlite:relative.db, sqlite:~/file.db
//   /path/to/file.db, relative.db                      (a plain path is a SQLite file)
//   postgresql://user:password@host:port/dbname?sslmode=require&application_name=x
//   postgres://...                                     (the same)
//   mysql://user:password@host:port/dbname?SSL_CA=/etc/ca.pem   (MySQL or MariaDB)
//   mariadb://...                                      (the same)
//   ""                                                 (the default location, below)
// SQLite paths are made absolute when parsed, so a later change of working folder does not
// move the database. For PostgreSQL, user and password are percent-decoded (write `@` as
// %40, `:` as %3A, `/` as %2F, `%` as %25); user, password, host and port are optional (libpq
// then falls back to its defaults: the OS user, PGPASSWORD or ~/.pgpass, the local socket,
// 5432); the database name is required; query options pass through to libpq unchanged. MySQL
// URLs read the same way (port 3306 unless given); their options pass through to Qt's QMYSQL
// driver as NAME=value (SSL_CA, MYSQL_OPT_CONNECT_TIMEOUT, UNIX_SOCKET, ...).
//
// A value type; any thread. The password is only ever returned by password(): every string
// meant for people (toDisplayString(), error messages) shows it as ****.
class DatabaseUrl
{
public:
    // A connect option given after '?' in a PostgreSQL URL: name and decoded value.
    using Option = std::pair<QString, QString>;

    // An empty SQLite URL without a file: only useful as a placeholder to assign to.
    DatabaseUrl() = default;

    // Parses `text` (surrounding spaces ignored). Empty text gives defaultLocation(). Malformed
    // text gives a message saying what is wrong and listing the accepted forms; the message
    // never contains the password.
    static Expected<DatabaseUrl, QString> parse(const QString &text);

    // The SQLite file `jobconsole.db` in QStandardPaths::AppDataLocation. The folder is not
    // created here; the connection factory creates it on first use.
    static DatabaseUrl defaultLocation();

    // A SQLite file at `path` (made absolute).
    static DatabaseUrl sqliteFile(const QString &path);

    // One line listing the accepted forms, for help texts and error messages.
    static QString acceptedForms();

    [[nodiscard]] SqlDialect dialect() const { return m_dialect; }
    [[nodiscard]] bool isDefaultLocation() const { return m_isDefaultLocation; }
    [[nodiscard]] bool isEmpty() const
    {
        return m_dialect == SqlDialect::Sqlite && m_filePath.isEmpty();
    }

    // SQLite: the absolute path of the database file.
    [[nodiscard]] QString filePath() const { return m_filePath; }

    // Server parts (PostgreSQL, MySQL), decoded. host() is empty for the client library's
    // default (the local socket); port() is 5432 (PostgreSQL) or 3306 (MySQL) unless given;
    // userName() is empty for the client's default (the OS user).
    [[nodiscard]] QString host() const { return m_host; }
    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] QString databaseName() const { return m_databaseName; }
    [[nodiscard]] QString userName() const { return m_userName; }
    [[nodiscard]] QString password() const { return m_password; }
    [[nodiscard]] bool hasPassword() const { return m_hasPassword; }
    [[nodiscard]] const QList<Option> &options() const { return m_options; }

    // The options in the form QSqlDatabase::setConnectOptions() takes: for QPSQL
    // `name=value;name='quoted value'`, for QMYSQL `NAME=value;FLAG`.
    [[nodiscard]] QString connectOptions() const;

    // The same server and credentials with another database name (tests, admin tools).
    [[nodiscard]] DatabaseUrl withDatabaseName(const QString &databaseName) const;
    // The same URL with `password` (PostgreSQL; a password from a keychain, never a file).
    [[nodiscard]] DatabaseUrl withPassword(const QString &password) const;

    // For people and logs: `sqlite:/abs/path.db`,
    // `postgresql://user:****@host:port/dbname?sslmode=require` (a `password` option masked
    // too) or `mysql://user:****@host:3306/dbname`.
    [[nodiscard]] QString toDisplayString() const;

    friend bool operator==(const DatabaseUrl &, const DatabaseUrl &) = default;

private:
    static constexpr int DefaultPostgresPort = 5432;
    static constexpr int DefaultMySqlPort = 3306;

    static Expected<DatabaseUrl, QString> parseSqlite(const QString &path);
    // The part after "postgresql://" or "mysql://".
    static Expected<DatabaseUrl, QString> parseServer(QStringView rest, SqlDialect dialect);

    SqlDialect m_dialect = SqlDialect::Sqlite;
    bool m_isDefaultLocation = false;
    QString m_filePath;
    QString m_host;
    int m_port = DefaultPostgresPort;
    QString m_databaseName;
    QString m_userName;
    QString m_password;
    bool m_hasPassword = false; // `user:@host` gives an empty password, `user@host` none
    QList<Option> m_options;
};

} // namespace jc
