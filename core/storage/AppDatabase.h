#pragma once

#include "common/Expected.h"
#include "storage/ConnectionFactory.h"

#include <QString>

#include <memory>

namespace jc {

// Opens the app database named by the one string everyone uses (`--db`, JOBCONSOLE_DB, the
// console's settings; empty: the default SQLite file) on the calling thread, as the caller's
// access says. What jobctl and the console call first.
//
// Opening changes nothing unasked: a SQLite file that does not exist is an error unless the
// caller creates on purpose (IfMissing::Create: jobctl migrate and seed, the demo, the
// console's "Create a new database here"); a database with tables but none of the app's is
// refused, naming what is missing (Migrator::foreignDatabase); a reader never migrates.
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
        // Only read (jobctl list, history): every connection is read-only
        // (ConnectionOptions::readOnly), so a database this user may only read opens, and
        // nothing is ever written. Never migrated: a schema older than this program's is
        // refused with "run `jobctl migrate`".
        Read,
        // A console that runs no jobs: as Read (never created, never migrated), but its
        // connections may write when this user may write the database (pauses, resumes and
        // cancels go through it); when not, they are read-only as with Read, and the
        // factory's options().readOnly says so.
        Watch,
        // Connected only, neither migrated nor checked (jobctl migrate does both itself).
        Connect,
        // Looked at through read-only connections, whatever its schema version (jobctl
        // migrate --dry-run): nothing is created, migrated or written, not even a SQLite
        // file's journal mode.
        Inspect,
    };

    // What to do when the SQLite file does not exist.
    enum class IfMissing {
        Refuse, // an error naming the path and how to create a database there
        Create, // create it (an empty database; ReadWrite then migrates it)
    };

    // Parses, connects on the calling thread and migrates as `access` says. Every failure is
    // one message saying what went wrong and what to do.
    static Expected<std::shared_ptr<ConnectionFactory>, QString>
    open(const QString &urlText, Access access = Access::ReadWrite,
         IfMissing ifMissing = IfMissing::Refuse);
    static Expected<std::shared_ptr<ConnectionFactory>, QString>
    open(const DatabaseUrl &url, Access access = Access::ReadWrite,
         IfMissing ifMissing = IfMissing::Refuse);
};

} // namespace jc
