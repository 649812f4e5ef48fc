#pragma once

#include "storage/DatabaseConnector.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace jc {

// The SQLite steps of opening a connection, used by ConnectionFactory. Each returns nullopt
// on success or a message saying what went wrong and what to do. Stateless; each call works
// on a connection of the calling thread.
class SqliteConnector final : public DatabaseConnector
{
public:
    // Before the first open. A missing file: with options.createMissingSqliteFile, creates the
    // default location's folder if needed and the file itself (an empty file is an empty
    // SQLite database; creating it here turns SQLite's bare "unable to open database file"
    // into a message that names the cause); without, the message that it does not exist and
    // how to create one.
    [[nodiscard]] std::optional<QString> prepare(const DatabaseUrl &url,
                                                 const ConnectionOptions &options) const override;

    // Sets the file name and connect options (busy timeout, read-only) on a not yet opened
    // connection.
    void configure(QSqlDatabase &db, const DatabaseUrl &url,
                   const ConnectionOptions &options) const override;

    // After open: checks that the file is a SQLite database and sets the connection's pragmas:
    // foreign_keys=ON, journal_mode=WAL (readers never block the writer), synchronous=NORMAL
    // (safe with WAL; a power cut may lose the last commits, never corrupt the file). A
    // read-only connection keeps the file's journal mode: switching it is a write.
    [[nodiscard]] std::optional<QString> setUp(QSqlDatabase &db, const DatabaseUrl &url,
                                               const ConnectionOptions &options) const override;

    // Why db.open() failed, in words.
    [[nodiscard]] QString openFailed(const DatabaseUrl &url, const QSqlError &error) const override;
};

} // namespace jc
