// A year of history against a week of it (issue 22): the reads behind `jobctl list` and every
// refresh of the console's job table, on a database of 1,000,000 runs of the four jobs over a
// year (2 % failed) and on one of 1,000. Goal: at 1,000,000 runs at most 1.5x the time at 1,000
// (what they read grows with the number of jobs, not of runs).
//   ListReads  RunHistory::latestRunPerJob + lastSuccessPerJob + lastOccurrencePerJob
//   Mark       RunHistory::mark, what an idle console reads per poll instead
//   Page       RunHistory::runs, one page (200 rows) of what the history pane, its chart and
//              the error log show, for each of their filters, at the top, in the middle and
//              at the end of the history (keyset paging: beforeId). Goal: within 100 ms at
//              any depth, any filter.
// The rows are written by SQL directly (not through the scheduler), in seconds. SQLite always;
// PostgreSQL too when JOBCONSOLE_BENCH_PG_URL names a server, MySQL/MariaDB when
// JOBCONSOLE_BENCH_MYSQL_URL does (see BenchDatabase.h).
//
//   build/release/bench/bench_history [--quick]     (--quick: 100,000 runs instead)
#include "storage/RunHistory.h"

#include "BenchDatabase.h"
#include "ScenarioMain.h"
#include "YearOfRuns.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <utility>

#ifndef NDEBUG
#error "Benchmarks are meaningless in a Debug build: use the release preset"
#endif

using namespace jc;
using jc::bench::BenchDatabase;
using jc::bench::YearMSecs;
using jc::bench::YearStart;

namespace {

bool quick = false;

// One database per (dialect, size), made on first use and kept for every benchmark of the run.
BenchDatabase &history(SqlDialect dialect, qint64 count)
{
    static std::map<std::pair<SqlDialect, qint64>, std::unique_ptr<BenchDatabase>> made;
    auto &slot = made[{dialect, count}];
    if (slot)
        return *slot;
    slot = std::make_unique<BenchDatabase>(dialect);
    if (!slot->error().isEmpty())
        return *slot;
    QElapsedTimer timer;
    timer.start();
    auto db = slot->factory()->connectionForCurrentThread();
    QSqlQuery query(*db);
    if (!query.exec(bench::yearOfRunsSql(dialect, count)))
        qFatal("cannot fill jc_runs: %s", qPrintable(query.lastError().text()));
    query.exec(bench::analyzeRunsSql(dialect));
    std::fprintf(stderr, "%s: %lld runs written in %.1f s\n", qPrintable(toString(dialect)),
                 static_cast<long long>(count), double(timer.elapsed()) / 1000);
    return *slot;
}

qint64 sizeOf(const benchmark::State &state)
{
    return quick && state.range(1) > 1000 ? 100'000 : state.range(1);
}

template <typename Read> void measure(benchmark::State &state, Read read)
{
    const auto dialect = static_cast<SqlDialect>(state.range(0));
    if (dialect == SqlDialect::Postgres && !bench::postgresConfigured()) {
        state.SkipWithError("JOBCONSOLE_BENCH_PG_URL is not set");
        return;
    }
    if (dialect == SqlDialect::MySql && !bench::mysqlConfigured()) {
        state.SkipWithError("JOBCONSOLE_BENCH_MYSQL_URL is not set");
        return;
    }
    const qint64 runs = sizeOf(state);
    BenchDatabase &database = history(dialect, runs);
    if (!database.error().isEmpty()) {
        state.SkipWithError(qPrintable(database.error()));
        return;
    }
    const RunHistory reads(database.factory());
    for (auto _ : state) {
        if (const auto error = read(reads)) {
            state.SkipWithError(qPrintable(*error));
            return;
        }
    }
    state.counters["runs"] = double(runs);
    state.SetLabel(toString(dialect).toStdString());
}

void BM_ListReads(benchmark::State &state)
{
    measure(state, [](const RunHistory &reads) -> std::optional<QString> {
        const auto latest = reads.latestRunPerJob();
        const auto successes = reads.lastSuccessPerJob();
        const auto occurrences = reads.lastOccurrencePerJob();
        if (!latest || latest->size() != 4)
            return latest ? QStringLiteral("not four jobs") : latest.error();
        if (!successes || !occurrences)
            return !successes ? successes.error() : occurrences.error();
        return std::nullopt;
    });
}

void BM_Mark(benchmark::State &state)
{
    measure(state, [](const RunHistory &reads) -> std::optional<QString> {
        const auto mark = reads.mark();
        return mark ? std::nullopt : std::optional(mark.error());
    });
}

// What a page of the console asks for (RunQuery), by the pane and filter that ask.
enum class PageShape {
    HistoryAll,      // history pane (and its chart): one job, every outcome
    HistoryProblems, // history pane, "Problems" chosen
    HistoryMonth,    // history pane, a month's range (June)
    ErrorsWeek,      // error log as it opens: every job, the last 7 days
    ErrorsAllTime,   // error log, "All time"
    ErrorsOneJob,    // error log, one job chosen, all time
    ErrorsText,      // error log, a search every failure matches ("disk")
    ErrorsNoMatch,   // error log, a search nothing matches: the most rows examined
};
constexpr int PageShapes = 8;

const char *shapeName(PageShape shape)
{
    switch (shape) {
    case PageShape::HistoryAll:
        return "history";
    case PageShape::HistoryProblems:
        return "history-problems";
    case PageShape::HistoryMonth:
        return "history-month";
    case PageShape::ErrorsWeek:
        return "errors-week";
    case PageShape::ErrorsAllTime:
        return "errors-all-time";
    case PageShape::ErrorsOneJob:
        return "errors-one-job";
    case PageShape::ErrorsText:
        return "errors-text";
    case PageShape::ErrorsNoMatch:
        return "errors-no-match";
    }
    return "?";
}

QList<RunOutcome> problems()
{
    return {RunOutcome::Failed, RunOutcome::TimedOut, RunOutcome::Abandoned,
            RunOutcome::Interrupted, RunOutcome::Missed};
}

QDateTime atMSecs(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, QTimeZone::utc());
}

// `depth` 0: the first page; 1: the middle of the history (ids below half the rows); 2: its
// end (ids below the first 1 %). The rows were written in time order, so ids follow time.
RunQuery pageQuery(PageShape shape, int depth, qint64 runs)
{
    RunQuery query;
    query.limit = 200;
    query.beforeId = depth == 0 ? 0 : depth == 1 ? runs / 2 : std::max<qint64>(runs / 100, 2);
    const QString job = QStringLiteral("Monthly Credit Top-Up");
    switch (shape) {
    case PageShape::HistoryAll:
        query.job = job;
        break;
    case PageShape::HistoryProblems:
        query.job = QStringLiteral("Stale Credit Purchase Cleanup"); // 1 in 100 of its runs failed
        query.outcomes = problems();
        break;
    case PageShape::HistoryMonth:
        query.job = job;
        query.since = atMSecs(YearStart + 151 * qint64{86'400'000}); // June 1st
        query.until = atMSecs(YearStart + 181 * qint64{86'400'000}); // July 1st
        break;
    case PageShape::ErrorsWeek:
        query.outcomes = problems();
        query.since = atMSecs(YearStart + YearMSecs - 7 * qint64{86'400'000});
        break;
    case PageShape::ErrorsAllTime:
        query.outcomes = problems();
        break;
    case PageShape::ErrorsOneJob:
        query.job = QStringLiteral("Stale Credit Purchase Cleanup");
        query.outcomes = problems();
        break;
    case PageShape::ErrorsText:
        query.outcomes = problems();
        query.errorContains = QStringLiteral("DISK");
        break;
    case PageShape::ErrorsNoMatch:
        query.outcomes = problems();
        query.errorContains = QStringLiteral("no such error");
        break;
    }
    return query;
}

const char *depthName(int depth)
{
    return depth == 0 ? "top" : depth == 1 ? "middle" : "end";
}

void BM_Page(benchmark::State &state)
{
    const auto shape = static_cast<PageShape>(state.range(2));
    const auto depth = static_cast<int>(state.range(3));
    qsizetype rows = 0;
    measure(state, [&](const RunHistory &reads) -> std::optional<QString> {
        const auto page = reads.runs(pageQuery(shape, depth, sizeOf(state)));
        if (!page)
            return page.error();
        rows = page->size();
        return std::nullopt;
    });
    state.counters["rows"] = double(rows);
    state.SetLabel(toString(static_cast<SqlDialect>(state.range(0))).toStdString() + " " +
                   shapeName(shape) + " " + depthName(depth));
}

void pageSizes(benchmark::internal::Benchmark *benchmark)
{
    for (const SqlDialect dialect : {SqlDialect::Sqlite, SqlDialect::Postgres, SqlDialect::MySql}) {
        for (const qint64 runs : {qint64{1000}, qint64{1'000'000}}) {
            for (int shape = 0; shape < PageShapes; ++shape) {
                for (int depth = 0; depth < 3; ++depth)
                    benchmark->Args({static_cast<qint64>(dialect), runs, shape, depth});
            }
        }
    }
    benchmark->ArgNames({"dialect", "runs", "shape", "depth"})->Unit(benchmark::kMillisecond);
}

void sizes(benchmark::internal::Benchmark *benchmark)
{
    for (const SqlDialect dialect : {SqlDialect::Sqlite, SqlDialect::Postgres, SqlDialect::MySql}) {
        for (const qint64 runs : {qint64{1000}, qint64{1'000'000}})
            benchmark->Args({static_cast<qint64>(dialect), runs});
    }
    benchmark->ArgNames({"dialect", "runs"})->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_ListReads)->Apply(sizes);
BENCHMARK(BM_Mark)->Apply(sizes);
BENCHMARK(BM_Page)->Apply(pageSizes);

} // namespace

int main(int argc, char **argv)
{
    return bench::scenarioMain(argc, argv, quick);
}
