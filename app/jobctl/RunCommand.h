#pragma once

#include "CommandEnvironment.h"

// `jobctl [--db URL] run JOB [--dry-run] [--wait] [--reason TEXT]`: runs a job now, in this
// process, recorded as a manual run by the OS user. With --wait the exit status says how it
// went: 0 succeeded, 1 failed (or was cancelled or timed out), 3 skipped because the job is
// already running (its overlap policy is skip); a terminal shows a live progress line.
// SIGINT or SIGTERM cancels the run (recorded as cancelled).
class RunCommand
{
public:
    static int run(const CommandEnvironment &env);
};
