#pragma once

#include "CommandEnvironment.h"

// `jobctl [--db URL] serve`: the headless scheduler. Runs the built-in jobs on their
// schedules, recording every run in the database, until SIGINT or SIGTERM; then cancels
// running jobs, waits for them up to --stop-deadline and exits 0 (1 when some had to be
// abandoned).
class ServeCommand
{
public:
    static int run(const CommandEnvironment &env);
};
