#pragma once

#include "CommandEnvironment.h"

// `jobctl next [--tz ZONE] [--from INSTANT] [--count N] SCHEDULE`: prints the next N fire
// instants of a schedule, one per line, in ISO 8601 with the zone's offset, and nothing else
// on stdout. Exit status: 0 printed; 1 the schedule never fires (again); 2 invalid input
// (one line on stderr).
class NextCommand
{
public:
    static int run(const CommandEnvironment &env);
};
