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

// Runs `sql` on `server` through a connection of its own named `connectionName` (unique per
// caller), removed afterwards; returns the error, if any.
inline std::optional<QString> postgresAdminExec(const DatabaseUrl &server,
                                                const QString &connectionName, const QString &sql)
{
    std::optional<QString> error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        db.setHostName(server.host());
        db.setPort(server.port());
        db.setDatabaseName(server.databaseName());
        db.setUserName(server.userName());
        db.setPassword(server.password());
        db.setConnectOptions(server.connectOptions());
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

// The same on a MySQL/MariaDB server (QMYSQL), for CREATE DATABASE and DROP DATABASE.
inline std::optional<QString> mysqlAdminExec(const DatabaseUrl &server,
                                             const QString &connectionName, const QString &sql)
{
    std::optional<QString> error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), connectionName);
        db.setHostName(server.host());
        db.setPort(server.port());
        db.setUserName(server.userName());
        db.setPassword(server.password());
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

} // namespace jc::test
