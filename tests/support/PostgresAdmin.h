#pragma once

// One statement on a PostgreSQL server's maintenance database, outside the app's connection
// factory: CREATE DATABASE and DROP DATABASE for the tests' and benchmarks' throwaway
// databases (tests/support/TestDatabases.h, bench/BenchDatabase.h). Needs Qt Sql only.
#include "storage/DatabaseUrl.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

#include <optional>

namespace jc::test {

// Runs `sql` on `server` with the Qt driver `driver` through a connection of its own named
// `connectionName` (unique per caller), removed afterwards; returns the error, if any.
// PostgreSQL connects to the URL's (maintenance) database with its options; MySQL to none.
inline std::optional<QString> serverAdminExec(const QString &driver, const DatabaseUrl &server,
                                              const QString &connectionName, const QString &sql)
{
    std::optional<QString> error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, connectionName);
        db.setHostName(server.host());
        db.setPort(server.port());
        db.setUserName(server.userName());
        db.setPassword(server.password());
        if (driver == QLatin1String("QPSQL")) {
            db.setDatabaseName(server.databaseName());
            db.setConnectOptions(server.connectOptions());
        }
        if (!db.open()) {
            error = db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (!query.exec(sql))
                error = query.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(connectionName);
    return error;
}

// CREATE DATABASE and DROP DATABASE on the test PostgreSQL server.
inline std::optional<QString> postgresAdminExec(const DatabaseUrl &server,
                                                const QString &connectionName, const QString &sql)
{
    return serverAdminExec(QStringLiteral("QPSQL"), server, connectionName, sql);
}

// The same on a MySQL/MariaDB server (QMYSQL).
inline std::optional<QString> mysqlAdminExec(const DatabaseUrl &server,
                                             const QString &connectionName, const QString &sql)
{
    return serverAdminExec(QStringLiteral("QMYSQL"), server, connectionName, sql);
}

} // namespace jc::test
