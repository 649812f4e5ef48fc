// Next fire time: 10 representative schedules x 5 zones, 1,000 consecutive occurrences each.
// Goal (issue 6): >= 2 million next() per second on one core. Baseline in the same run: the
// cost of one QTimeZone offset lookup, the primitive the schedule code builds on.
//   build/release/bench/bench_schedule_next --benchmark_format=console
//   build/release/bench/bench_schedule_next --benchmark_out=next.json --benchmark_out_format=json
#include "schedule/Schedule.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>

#include <vector>

namespace {

#ifndef NDEBUG
#error "Benchmarks are meaningless in a Debug build: use the release preset"
#endif

const char *const schedules[] = {
    "*/15 * * * *", "0 9-17/2 * * MON-FRI", "0 0 L * *", "0 3 * * MON#2",
    "30 2 * * *",   "0 0,12 1,15 * *",      "daily",     "first-of-month",
    "@every 1h30m", "0 30 4 * * SUN",
};
const char *const zones[] = {"UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland",
                             "Australia/Lord_Howe"};
constexpr int occurrences = 1000;
const qint64 start = 1767225600000; // 2026-01-01T00:00:00Z

std::vector<jc::Schedule> allSchedules()
{
    std::vector<jc::Schedule> result;
    for (const char *zone : zones) {
        for (const char *text : schedules)
            result.push_back(
                jc::Schedule::parse(QString::fromLatin1(text), QTimeZone(zone)).value());
    }
    return result;
}

void BM_Baseline_ZoneOffsetLookup(benchmark::State &state)
{
    const QTimeZone zone("Europe/Berlin");
    qint64 at = start;
    for (auto _ : state) {
        benchmark::DoNotOptimize(zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(at, Qt::UTC)));
        at += 3600 * 1000;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Baseline_ZoneOffsetLookup);

void BM_NextMSecs_50Schedules_x1000(benchmark::State &state)
{
    const auto all = allSchedules();
    for (auto _ : state) {
        for (const auto &schedule : all) {
            qint64 at = start;
            for (int i = 0; i < occurrences; ++i)
                at = schedule.nextMSecs(at);
            benchmark::DoNotOptimize(at);
        }
    }
    state.SetItemsProcessed(state.iterations() * qint64(all.size()) * occurrences);
}
BENCHMARK(BM_NextMSecs_50Schedules_x1000)->Unit(benchmark::kMillisecond);

void BM_NextQDateTime_50Schedules_x1000(benchmark::State &state)
{
    const auto all = allSchedules();
    for (auto _ : state) {
        for (const auto &schedule : all) {
            QDateTime at = QDateTime::fromMSecsSinceEpoch(start, Qt::UTC);
            for (int i = 0; i < occurrences; ++i)
                at = schedule.next(at);
            benchmark::DoNotOptimize(at);
        }
    }
    state.SetItemsProcessed(state.iterations() * qint64(all.size()) * occurrences);
}
BENCHMARK(BM_NextQDateTime_50Schedules_x1000)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
