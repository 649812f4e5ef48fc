#pragma once

#include "storage/ConnectionOptions.h"
#include "storage/DatabaseUrl.h"
#include "storage/SqlDialect.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>

class QSqlError;

namespace jc {

// The steps of opening a connection that differ by database, behind one face. ConnectionFactory
// takes its dialect's connector once (forDialect) and runs the steps in order: prepare before
// the first open, configure on a connection not yet opened, then open, and after it setUp, or
// openFailed's words when the open failed. Each step that can fail returns nullopt or a message
// saying what went wrong and what to do. Stateless; each call works on a connection of the
// calling thread.
class DatabaseConnector
{
public:
    DatabaseConnector() = default;
    virtual ~DatabaseConnector() = default;
    DatabaseConnector(const DatabaseConnector &) = delete;
    DatabaseConnector &operator=(const DatabaseConnector &) = delete;
    DatabaseConnector(DatabaseConnector &&) = delete;
    DatabaseConnector &operator=(DatabaseConnector &&) = delete;

    // The connector of `dialect`; it lives as long as the program.
    static const DatabaseConnector &forDialect(SqlDialect dialect);

    // Before the first open of a connection to `url`. Nothing to do by default.
    [[nodiscard]] virtual std::optional<QString> prepare(const DatabaseUrl &url,
                                                         const ConnectionOptions &options) const;

    // Sets what the driver needs to open `url` on a not yet opened connection.
    virtual void configure(QSqlDatabase &db, const DatabaseUrl &url,
                           const ConnectionOptions &options) const = 0;

    // After a successful open: checks and session settings. Nothing to do by default.
    [[nodiscard]] virtual std::optional<QString> setUp(QSqlDatabase &db, const DatabaseUrl &url,
                                                       const ConnectionOptions &options) const;

    // Why db.open() failed, in words, with what to do.
    [[nodiscard]] virtual QString openFailed(const DatabaseUrl &url,
                                             const QSqlError &error) const = 0;
};

} // namespace jc
