#pragma once

#include <QUrl>

// Every storage test runs against every backend (STYLE.md, habit 8): a `_data()` row per
// database, and a fresh, empty database per test row.
//
//   void tst_x::something_data() { jc::test::addDatabaseRows(); }
//   void tst_x::something()
//   {
//       QFETCH(jc::SqlDialect, dialect);
//       jc::test::TestDatabase database(dialect);
//       QVERIFY2(database.isReady(), qPrintable(database.error()));
//       jc::ConnectionFactory factory(database.url());
//       ...
//   }
//
// PostgreSQL comes from JOBCONSOLE_TEST_PG_URL, else from the file JOBCONSOLE_TEST_PG_URL_FILE
// names (ctest's `postgres` fixture writes it). Without either the test FAILS: a missing
// PostgreSQL must never pass as a skip. The role needs the right to CREATE DATABASE.

#include "common/Expected.h"
#include "storage/DatabaseUrl.h"
#include "storage/SqlDialect.h"

#include "PostgresAdmin.h"

#include <QCoreApplication>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>

namespace jc::test {

// The tests' MySQL/MariaDB server (JOBCONSOLE_TEST_MYSQL_URL, else the file
// JOBCONSOLE_TEST_MYSQL_URL_FILE names: ctest's `mariadb` fixture writes it), or a message
// saying how to get one. Without it a test that asks FAILS, as for PostgreSQL.
inline Expected<DatabaseUrl, QString> mysqlServerUrl()
{
    QString text = qEnvironmentVariable("JOBCONSOLE_TEST_MYSQL_URL");
    const QString file = qEnvironmentVariable("JOBCONSOLE_TEST_MYSQL_URL_FILE");
    if (text.isEmpty() && !file.isEmpty()) {
        QFile urlFile(file);
        if (urlFile.open(QIODevice::ReadOnly))
            text = QString::fromUtf8(urlFile.readAll()).trimmed();
    }
    if (text.isEmpty())
        return Unexpected(
            QStringLiteral("MySQL/MariaDB is not available to this test. Run it through ctest, "
                           "whose `mariadb` fixture starts a server (needs the mariadb-server "
                           "package), or set JOBCONSOLE_TEST_MYSQL_URL=mysql://user@host:port/db "
                           "(a user that may create databases). JOBCONSOLE_TEST_MYSQL_URL_FILE "
                           "was \"%1\".")
                .arg(file));
    auto url = DatabaseUrl::parse(text);
    if (url && url->dialect() != SqlDialect::MySql)
        return Unexpected(QStringLiteral("The test MySQL URL is not a MySQL URL: %1").arg(text));
    return url;
}

// Adds the column `dialect` (jc::SqlDialect) and the rows "sqlite" and "postgresql".
inline void addDatabaseRows()
{
    QTest::addColumn<SqlDialect>("dialect");
    QTest::newRow("sqlite") << SqlDialect::Sqlite;
    QTest::newRow("postgresql") << SqlDialect::Postgres;
}

// The same and a "mysql" row, for the tests the MySQL port has reached (issue 16); their
// CMake entry gives them the `mariadb` fixture (tests_with_mysql in tests/storage).
inline void addDatabaseRowsWithMySql()
{
    addDatabaseRows();
    QTest::newRow("mysql") << SqlDialect::MySql;
}

// The tests' PostgreSQL server, or a message saying how to get one.
inline Expected<DatabaseUrl, QString> postgresServerUrl()
{
    QString text = qEnvironmentVariable("JOBCONSOLE_TEST_PG_URL");
    const QString file = qEnvironmentVariable("JOBCONSOLE_TEST_PG_URL_FILE");
    if (text.isEmpty() && !file.isEmpty()) {
        QFile urlFile(file);
        if (urlFile.open(QIODevice::ReadOnly))
            text = QString::fromUtf8(urlFile.readAll()).trimmed();
    }
    if (text.isEmpty()) {
        return Unexpected(
            QStringLiteral(
                "PostgreSQL is not available to this test. Run it through ctest, whose "
                "`postgres` "
                "fixture starts a server (needs the `postgresql` package), or set "
                "JOBCONSOLE_TEST_PG_URL=postgresql://user@host:port/db (a role that may create "
                "databases). JOBCONSOLE_TEST_PG_URL_FILE was \"%1\".")
                .arg(file));
    }
    auto url = DatabaseUrl::parse(text);
    if (url && url->dialect() != SqlDialect::Postgres)
        return Unexpected(
            QStringLiteral("The test PostgreSQL URL is not a PostgreSQL URL: %1").arg(text));
    return url;
}

// A fresh, empty database for one test row, removed when this goes out of scope (destroy it
// after everything that holds connections to it).
//  - SQLite: a new, empty file in a QTemporaryDir.
//  - PostgreSQL: a new database jc_test_<pid>_<n> on the test server (about 0.1 s), dropped
//    WITH (FORCE) afterwards so that connections left open cannot keep it.
//  - MySQL/MariaDB: the same, reached as a user of the same name that may use only it.
class TestDatabase
{
public:
    explicit TestDatabase(SqlDialect dialect)
        : m_dialect(dialect)
    {
        switch (dialect) {
        case SqlDialect::Sqlite:
            createSqlite();
            break;
        case SqlDialect::Postgres:
        case SqlDialect::MySql:
            createOnServer();
            break;
        }
    }

    ~TestDatabase()
    {
        if (!m_isReady || m_dialect == SqlDialect::Sqlite)
            return;
        if (m_dialect == SqlDialect::Postgres) {
            adminExec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
            return;
        }
        adminExec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(m_name));
        adminExec(QStringLiteral("DROP USER IF EXISTS '%1'@'%'").arg(m_name));
    }

    // MySQL: runs `sql` as the server's admin ("%1" is the test database's name, which is also
    // its user's); the error, if any.
    std::optional<QString> mysqlAdmin(const QString &sql) const
    {
        return adminExec(sql.arg(m_name));
    }

    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    bool isReady() const { return m_isReady; }
    QString error() const { return m_error; }
    SqlDialect dialect() const { return m_dialect; }
    const DatabaseUrl &url() const { return m_url; }

    // SQLite: the temporary folder that holds the file (other files may go there too).
    QString folder() const { return m_folder ? m_folder->path() : QString(); }

    // PostgreSQL, MySQL: the server with its maintenance database (to reach it with a wrong
    // port...).
    const DatabaseUrl &serverUrl() const { return m_serverUrl; }

private:
    void createSqlite()
    {
        m_folder = std::make_unique<QTemporaryDir>();
        if (!m_folder->isValid()) {
            m_error =
                QStringLiteral("Cannot create a temporary folder: %1").arg(m_folder->errorString());
            return;
        }
        // An empty file is an empty SQLite database: it exists, as a database an admin names
        // does (a path that does not exist is an error for everything but `jobctl migrate`).
        QFile file(m_folder->filePath(QStringLiteral("test.db")));
        if (!file.open(QIODevice::WriteOnly)) {
            m_error =
                QStringLiteral("Cannot create %1: %2").arg(file.fileName(), file.errorString());
            return;
        }
        m_url = DatabaseUrl::sqliteFile(file.fileName());
        m_isReady = true;
    }

    void createOnServer()
    {
        auto server = m_dialect == SqlDialect::Postgres ? postgresServerUrl() : mysqlServerUrl();
        if (!server) {
            m_error = server.error();
            return;
        }
        m_serverUrl = *server;
        static std::atomic<int> serial = 0;
        m_name =
            QStringLiteral("jc_test_%1_%2").arg(QCoreApplication::applicationPid()).arg(++serial);
        if (auto error = adminExec(QStringLiteral("CREATE DATABASE %1").arg(m_name))) {
            m_error = QStringLiteral("Cannot create a test database on %1: %2")
                          .arg(m_serverUrl.toDisplayString(), *error);
            return;
        }
        m_url = m_serverUrl.withDatabaseName(m_name);
        if (m_dialect == SqlDialect::MySql && !createMySqlUser())
            return;
        m_isReady = true;
    }

    // MySQL: the test database gets a user of its own, as an app's database has, with every
    // privilege on it and none elsewhere: the product is tested without root's rights, and a
    // test can lock the account to take the database away (an outage) without touching the
    // other tests on the server.
    bool createMySqlUser()
    {
        for (const QString &sql :
             {QStringLiteral("CREATE USER '%1'@'%'").arg(m_name),
              QStringLiteral("GRANT ALL PRIVILEGES ON %1.* TO '%1'@'%'").arg(m_name)}) {
            if (auto error = adminExec(sql)) {
                m_error = QStringLiteral("Cannot create the test database's user on %1: %2")
                              .arg(m_serverUrl.toDisplayString(), *error);
                return false;
            }
        }
        auto own = DatabaseUrl::parse(QStringLiteral("mysql://%1@%2:%3/%1")
                                          .arg(m_name, m_serverUrl.host())
                                          .arg(m_serverUrl.port()));
        if (!own) {
            m_error = own.error();
            return false;
        }
        m_url = own.value();
        return true;
    }

    // Runs one statement on the server's maintenance database; returns the error, if any.
    std::optional<QString> adminExec(const QString &sql) const
    {
        const QString connection = QStringLiteral("jc.test.admin.%1").arg(m_name);
        return m_dialect == SqlDialect::Postgres
                   ? test::postgresAdminExec(m_serverUrl, connection, sql)
                   : test::mysqlAdminExec(m_serverUrl, connection, sql);
    }

    SqlDialect m_dialect;
    bool m_isReady = false;
    QString m_error;
    DatabaseUrl m_url;
    DatabaseUrl m_serverUrl;
    QString m_name;
    std::unique_ptr<QTemporaryDir> m_folder;
};

// The text jobctl's --db takes for `url`: the test database itself, never the server's
// maintenance database, with its credentials (DatabaseUrl::toDisplayString() masks them).
inline QString urlText(const DatabaseUrl &url)
{
    if (url.dialect() == SqlDialect::Sqlite)
        return QStringLiteral("sqlite:") + url.filePath();
    const auto encode = [](const QString &part) {
        return QString::fromLatin1(QUrl::toPercentEncoding(part));
    };
    QString text = url.dialect() == SqlDialect::MySql ? QStringLiteral("mysql://")
                                                      : QStringLiteral("postgresql://");
    if (!url.userName().isEmpty() || url.hasPassword()) {
        text += encode(url.userName());
        if (url.hasPassword())
            text += u':' + encode(url.password());
        text += u'@';
    }
    text += url.host() + u':' + QString::number(url.port()) + u'/' + url.databaseName();
    QStringList options;
    for (const auto &[name, value] : url.options())
        options.append(encode(name) + u'=' + encode(value));
    if (!options.isEmpty())
        text += u'?' + options.join(u'&');
    return text;
}

} // namespace jc::test
