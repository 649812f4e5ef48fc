#pragma once

#include "CommandEnvironment.h"

// `jobctl [--db URL] seed --demo [--uploads DIR] [--site-url URL] [--seed N]`: fills an empty
// database and uploads folder with the demo data set (DemoDataSet), so the console has
// something true to show on its first start. It refuses a database that has users or runs
// already (there is no --force: a demo mixed into real data cannot be told apart from it).
//
// `jobctl seed [--users N] [--purchases N] [--blocks N] [--files N] [--seed N]`: adds large
// generated data sets for benchmarks (BulkDataGenerator), with a progress line on a terminal,
// and prints how long each part took.
class SeedCommand
{
public:
    static int run(const CommandEnvironment &env);
};
