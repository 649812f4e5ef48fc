#pragma once

#include "CommandEnvironment.h"

// `jobctl [--db URL] set JOB [--schedule EXPR] [--tz ZONE] [--overlap P] [--timeout S]
// [--retries N] [--retry-delay S] [--missed catch-up|skip] [--catch-up-window H]
// [--catch-up-on-resume yes|no] [--setting KEY=VALUE] [--reset]`: overrides a job's settings
// in the database, for every instance (running ones apply them at their next poll). The new
// settings are validated first; an invalid one is refused with the parser's message and nothing is
// stored. Every change is recorded with who, when, before and after; `set JOB` alone prints the
// current overrides and the recent changes.
class SetCommand
{
public:
    static int run(const CommandEnvironment &env);
};
