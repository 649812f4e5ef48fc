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

    // Parses, connects on the calling thread and migrates (when `migrate`). Every failure is
    // one message saying what went wrong and what to do.
    static Expected<std::shared_ptr<ConnectionFactory>, QString> open(const QString &urlText,
                                                                      bool migrate = true);
    static Expected<std::shared_ptr<ConnectionFactory>, QString> open(const DatabaseUrl &url,
                                                                      bool migrate = true);
};

} // namespace jc
