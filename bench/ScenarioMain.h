#pragma once

// The main() of the scenario benchmarks (bench_scheduler, bench_jobs): they take `--quick`
// (smaller sizes, shorter watches) besides Google Benchmark's own flags, need a
// QCoreApplication (timers, the thread pool's queued results), and keep the project's info
// lines off the terminal (at 100,000 jobs or per batch they would measure the terminal).
// Warnings still show.
#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QLoggingCategory>

#include <string_view>
#include <vector>

namespace jc::bench {

// Runs every registered benchmark; sets `quick` when --quick was given.
inline int scenarioMain(int argc, char **argv, bool &quick)
{
    std::vector<char *> arguments;
    for (int i = 0; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--quick")
            quick = true;
        else
            arguments.push_back(argv[i]);
    }
    int count = int(arguments.size());
    QCoreApplication app(count, arguments.data());
    QLoggingCategory::setFilterRules(QStringLiteral("jc.*.info=false"));
    benchmark::Initialize(&count, arguments.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // namespace jc::bench
