#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QString>

#include <memory>

namespace jc {

// Opens the app database named by the one string everyone uses (`--db`, JOBCONSOLE_DB, the
// console's settings; empty: the default SQLite file) and brings its schema up to date on the
// calling thread. What jobctl and the console call first.
class AppDatabase
{
public:
    // The URL text to use: `explicitUrl` when given, else $JOBCONSOLE_DB, else empty (the
    // default location).
    static QString resolveUrlText(const QString &explicitUrl);

    // What the caller will do with the database.
    enum class Access {
        // Write: migrated, and refused with the read-only message when this connection may
        // not write (found by a real write that is rolled back), before the caller starts.
        ReadWrite,
        // Only read (jobctl list, history): migrated when a migration is missing; a database
        // that is up to date opens even where this connection may not write.
        Read,
        // Connected only, neither migrated nor checked (jobctl migrate does both itself).
        Connect,
    };

    // Parses, connects on the calling thread and migrates as `access` says. Every failure is
    // one message saying what went wrong and what to do.
    static Expected<std::shared_ptr<ConnectionFactory>, QString>
    open(const QString &urlText, Access access = Access::ReadWrite);
    static Expected<std::shared_ptr<ConnectionFactory>, QString>
    open(const DatabaseUrl &url, Access access = Access::ReadWrite);
};

} // namespace jc
