#pragma once

// The app database a scenario benchmark runs against (bench_console, bench_jobs): a SQLite
// file in a temporary folder, or, for PostgreSQL, a database of its own created on
// JOBCONSOLE_BENCH_PG_URL's server (postgresql://user@host:port/db, a role that may CREATE
// DATABASE) and dropped afterwards; for MySQL/MariaDB the same on JOBCONSOLE_BENCH_MYSQL_URL's
// (mysql://user@host:port/db). Migrated, ready for data.
#include "storage/AppDatabase.h"
#include "storage/ConnectionFactory.h"
#include "storage/DatabaseUrl.h"
#include "storage/SqlDialect.h"

#include "PostgresAdmin.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace jc::bench {

// Whether JOBCONSOLE_BENCH_PG_URL names a server for the PostgreSQL runs.
inline bool postgresConfigured()
{
    return !qEnvironmentVariableIsEmpty("JOBCONSOLE_BENCH_PG_URL");
}

// Whether JOBCONSOLE_BENCH_MYSQL_URL names a server for the MySQL/MariaDB runs.
inline bool mysqlConfigured()
{
    return !qEnvironmentVariableIsEmpty("JOBCONSOLE_BENCH_MYSQL_URL");
}

// A fresh, migrated app database (see the top of this file); dropped when this goes.
class BenchDatabase
{
public:
    explicit BenchDatabase(SqlDialect dialect)
        : m_dialect(dialect)
    {
        DatabaseUrl url;
        if (dialect == SqlDialect::Sqlite) {
            if (!m_folder.isValid()) {
                m_error = QStringLiteral("no temporary folder: %1").arg(m_folder.errorString());
                return;
            }
            url = DatabaseUrl::sqliteFile(m_folder.filePath(QStringLiteral("bench.db")));
        } else {
            const char *variable = dialect == SqlDialect::MySql ? "JOBCONSOLE_BENCH_MYSQL_URL"
                                                                : "JOBCONSOLE_BENCH_PG_URL";
            auto server = DatabaseUrl::parse(qEnvironmentVariable(variable));
            if (!server || server->dialect() != dialect) {
                m_error = QStringLiteral("%1 is not a %2 URL")
                              .arg(QLatin1String(variable), toString(dialect));
                return;
            }
            m_server = *server;
            static int serial = 0;
            m_name = QStringLiteral("jc_bench_%1_%2")
                         .arg(QCoreApplication::applicationPid())
                         .arg(++serial);
            if (auto error = adminExec(QStringLiteral("CREATE DATABASE %1").arg(m_name))) {
                m_error = QStringLiteral("cannot create %1: %2").arg(m_name, *error);
                return;
            }
            m_created = true;
            url = m_server.withDatabaseName(m_name);
        }
        // A fresh file: created on purpose (opening refuses a missing path since issue 21).
        auto opened =
            AppDatabase::open(url, AppDatabase::Access::ReadWrite, AppDatabase::IfMissing::Create);
        if (!opened) {
            m_error = opened.error();
            return;
        }
        m_factory = opened.value();
    }

    ~BenchDatabase()
    {
        m_factory.reset();
        if (m_created)
            adminExec(m_dialect == SqlDialect::MySql
                          ? QStringLiteral("DROP DATABASE IF EXISTS %1").arg(m_name)
                          : QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
    }

    BenchDatabase(const BenchDatabase &) = delete;
    BenchDatabase &operator=(const BenchDatabase &) = delete;

    const QString &error() const { return m_error; }
    const std::shared_ptr<ConnectionFactory> &factory() const { return m_factory; }
    SqlDialect dialect() const { return m_dialect; }

private:
    std::optional<QString> adminExec(const QString &sql) const
    {
        const QString connection = QStringLiteral("jc.bench.admin.%1").arg(m_name);
        return m_dialect == SqlDialect::MySql ? test::mysqlAdminExec(m_server, connection, sql)
                                              : test::postgresAdminExec(m_server, connection, sql);
    }

    SqlDialect m_dialect;
    QTemporaryDir m_folder;
    DatabaseUrl m_server;
    QString m_name;
    bool m_created = false;
    std::shared_ptr<ConnectionFactory> m_factory;
    QString m_error;
};

} // namespace jc::bench
