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
// Thread: the GUI thread, at start-up (it may wait for the keychain or ask for a password).
class ConsoleDatabase
{
public:
    struct Opened
    {
        std::shared_ptr<ConnectionFactory> database;
        bool demo = false;
    };

    static Expected<Opened, QString> open(const QString &givenUrl, bool demo,
                                          const ConsoleSettings &settings, PasswordVault &vault);

private:
    static Expected<Opened, QString> openConfigured(const QString &urlText, PasswordVault &vault);
};

} // namespace jc
