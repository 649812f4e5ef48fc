#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace jc {

class ConsoleSettings;
class PasswordVault;

// Which database the console opens at start, and whether it runs that database's jobs.
//
// The database, in this order: the demo database when asked (--demo); the URL given (--db,
// else $JOBCONSOLE_DB), used as written; the URL in the console's settings, with its
// PostgreSQL password from the PasswordVault (the keychain, or asked once this session);
// nothing configured: the demo database, said so in the title and status bar. How the demo
// database is made (seed/DemoDatabase) is not the console library's business: app/jobconsole
// passes it in as a DemoOpener.
//
// Opening changes nothing unasked: a SQLite file that does not exist is created only when the
// person chooses "Create a new database here" in the question shown then (objectNames
// createDatabaseButton and cancelButton); otherwise it is an error, and nothing is created.
//
// Where jobs run is the admin's visible choice. The demo database and SQLite files this
// console created run their jobs here (unless Settings say watch only). Any other database
// (PostgreSQL, a SQLite file from elsewhere: likely a server's, whose jobs run there) is
// watched only until the admin chooses, once per database, in the question shown before its
// jobs would start (objectNames runJobsHereButton and watchOnlyButton; Escape watches); the
// answer is kept in the ConsoleSettings (runJobsOn) and the Settings dialog changes it. A
// console that runs no jobs opens the database as a reader (AppDatabase::Access::Watch).
//
// Connecting says so: a PostgreSQL server is first reached from a worker thread while a
// "Connecting to …" window (objectName connectingDialog) shows, and one that does not answer
// within connectLimit is given up with the reason.
//
// Thread: the GUI thread, at start-up (it may wait for the keychain or ask questions).
class ConsoleDatabase
{
public:
    // What this session was told about running jobs.
    enum class Jobs {
        AsChosen,  // the stored choice for the database, asked once when there is none
        WatchOnly, // --watch-only: this session runs nothing (nothing is stored)
        RunHere,   // --run-jobs: run them here, and keep that as the choice
    };

    struct Opened
    {
        std::shared_ptr<ConnectionFactory> database;
        bool demo = false;
        bool created = false;  // a new database, created now on the person's choice
        bool runsJobs = false; // this console runs the database's scheduled jobs
        // Why the console may not write to it (its connections are read-only); empty: it may.
        QString readOnlyReason;
    };

    // Opens the demo database, making it on first use; its connections, or why not.
    using DemoOpener = std::function<Expected<std::shared_ptr<ConnectionFactory>, QString>()>;

    static Expected<Opened, QString> open(const QString &givenUrl, bool demo,
                                          const DemoOpener &openDemo, ConsoleSettings &settings,
                                          PasswordVault &vault, Jobs jobs = Jobs::AsChosen);

    // How long a PostgreSQL server has to answer before the console gives up on it.
    static constexpr std::chrono::seconds connectLimit{5};

    // Connects to `url` (PostgreSQL) on a worker thread, showing that it is connecting; the
    // reason when it fails or does not answer within connectLimit, nothing when it answers.
    static std::optional<QString> reach(const DatabaseUrl &url);

    // Asks whether to create a new database at `url`, a SQLite file that does not exist.
    static bool askToCreate(const DatabaseUrl &url);
    // Asks whether this console should run the scheduled jobs of `url`; false: only watch.
    static bool askToRunJobs(const DatabaseUrl &url);

private:
    static Expected<Opened, QString> openConfigured(const QString &urlText,
                                                    ConsoleSettings &settings, PasswordVault &vault,
                                                    Jobs jobs);
    static Expected<Opened, QString> openUrl(const DatabaseUrl &url, ConsoleSettings &settings,
                                             Jobs jobs);
    // Whether jobs run here without asking; nullopt: the admin is to be asked. `local`: the
    // demo database or a file this console created.
    static std::optional<bool> chosen(const DatabaseUrl &url, bool local, ConsoleSettings &settings,
                                      Jobs jobs);
    static bool askAndKeep(const DatabaseUrl &url, ConsoleSettings &settings);
    // The database watched, when this user may only read it; nullopt when it may write (or
    // cannot even watch it: the caller's own open says why).
    static std::optional<Opened> openReadOnly(const DatabaseUrl &url);
};

} // namespace jc
