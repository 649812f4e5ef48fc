#pragma once

#include "CommandEnvironment.h"

// `jobctl [--db URL] migrate`: brings the database's schema up to date and says what it did.
class MigrateCommand
{
public:
    static int run(const CommandEnvironment &env);
};
