#pragma once

#include "CommandEnvironment.h"

// The commands that read or change the database's view of the jobs (`history` is
// HistoryCommand); each prints a short confirmation or a table, and fails with one line on
// stderr and a non-zero status.
//   list                          a line per job: state (JobHealth's rule, as the console),
//                                 schedule, last run, next run
//   pause JOB [--reason TEXT] [--until DATE]
//   resume JOB
//   cancel RUN_ID                 asks whichever instance runs it to stop
class AdminCommands
{
public:
    static int list(const CommandEnvironment &env);
    static int pause(const CommandEnvironment &env);
    static int resume(const CommandEnvironment &env);
    static int cancel(const CommandEnvironment &env);
};
