#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QString>

#include <memory>

namespace jc {

class ConsoleSettings;
class PasswordVault;

// Which database the console opens at start, in this order: the demo database when asked
// (--demo); the URL given (--db, else $JOBCONSOLE_DB), used as written; the URL in the
// console's settings, with its PostgreSQL password from the PasswordVault (the keychain, or
// asked once this session); nothing configured: the demo database (DemoDatabase), said so in
// the title and status bar.
//
// Opening changes nothing unasked: a SQLite file that does not exist is created only when the
// person chooses "Create a new database here" in the question shown then (objectNames
// createDatabaseButton and cancelButton); otherwise it is an error, and nothing is created.
//
// Thread: the GUI thread, at start-up (it may wait for the keychain or ask for a password).
class ConsoleDatabase
{
public:
    struct Opened
    {
        std::shared_ptr<ConnectionFactory> database;
        bool demo = false;
        bool created = false; // a new database, created now on the person's choice
        // Why the console may not write to it (its connections are read-only); empty: it may.
        QString readOnlyReason;
    };

    // `watchOnly`: the console runs no jobs, so it opens the database as a reader does
    // (AppDatabase::Access::Watch): never migrated (an older schema is an error saying to run
    // `jobctl migrate`), read-only where this user may not write.
    static Expected<Opened, QString> open(const QString &givenUrl, bool demo,
                                          const ConsoleSettings &settings, PasswordVault &vault,
                                          bool watchOnly = false);

    // Asks whether to create a new database at `url`, a SQLite file that does not exist.
    static bool askToCreate(const DatabaseUrl &url);

private:
    static Expected<Opened, QString> openConfigured(const QString &urlText, PasswordVault &vault,
                                                    bool watchOnly);
    static Expected<Opened, QString> openUrl(const DatabaseUrl &url, bool watchOnly);
};

} // namespace jc
