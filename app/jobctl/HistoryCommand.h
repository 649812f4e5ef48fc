#pragma once

#include "CommandEnvironment.h"

// `jobctl [--db URL] history [JOB] [--failed] [--since DATE] [--limit N] [--json]`: a line per
// run, newest first, with its error and what it did in words (RunSummaryText); --json keeps
// every counter. For one job, the newest changes of its settings follow its runs.
class HistoryCommand
{
public:
    static int run(const CommandEnvironment &env);
};
