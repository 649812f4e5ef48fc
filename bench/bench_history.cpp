// A year of history against a week of it (issue 22): the reads behind `jobctl list` and every
// refresh of the console's job table, on a database of 1,000,000 runs of the four jobs over a
// year (2 % failed) and on one of 1,000. Goal: at 1,000,000 runs at most 1.5x the time at 1,000
// (what they read grows with the number of jobs, not of runs).
//   ListReads  RunHistory::latestRunPerJob + lastSuccessPerJob + lastOccurrencePerJob
//   Mark       RunHistory::mark, what an idle console reads per poll instead
// The rows are written by SQL directly (not through the scheduler), in seconds. SQLite always;
// PostgreSQL too when JOBCONSOLE_BENCH_PG_URL names a server, MySQL/MariaDB when
// JOBCONSOLE_BENCH_MYSQL_URL does (see BenchDatabase.h).
//
//   build/release/bench/bench_history [--quick]     (--quick: 100,000 runs instead)
#include "storage/RunHistory.h"

#include "BenchDatabase.h"
#include "ScenarioMain.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>

#include <cstdio>
#include <map>
#include <memory>
#include <utility>

#ifndef NDEBUG
#error "Benchmarks are meaningless in a Debug build: use the release preset"
#endif

using namespace jc;
using jc::bench::BenchDatabase;

namespace {

bool quick = false;

constexpr qint64 YearStart = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 YearMSecs = qint64{365} * 86'400'000;

// `count` runs of the four jobs, round robin over a year, one in 50 failed, written by one
// INSERT ... SELECT over a generated series of numbers.
QString fillSql(SqlDialect dialect, qint64 count)
{
    const qint64 step = YearMSecs / count;
    const QString columns =
        QStringLiteral(
            "SELECT CASE i % 4 WHEN 0 THEN 'Monthly Credit Top-Up' WHEN 1 THEN 'Stale Credit "
            "Purchase Cleanup' WHEN 2 THEN 'Orphaned Uploads Cleanup' ELSE 'History Retention' "
            "END, "
            "'scheduled', %1 + i * %2, 'o' || i, CASE WHEN i % 50 = 7 THEN 'failed' ELSE "
            "'succeeded' END, %1 + i * %2, %1 + i * %2 + 1500, %1 + i * %2 + 1500, CASE WHEN i % "
            "50 "
            "= 7 THEN 'disk full' END, %3")
            .arg(YearStart)
            .arg(step)
            .arg(dialect == SqlDialect::Postgres ? QStringLiteral("false") : QStringLiteral("0"));
    const QString insert =
        QStringLiteral("INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                       "status, started_at_ms, finished_at_ms, heartbeat_at_ms, error, dry_run) ");
    if (dialect == SqlDialect::Postgres)
        return insert + columns +
               QStringLiteral(" FROM generate_series(0::bigint, %1) AS n(i)").arg(count - 1);
    if (dialect == SqlDialect::MySql) {
        // MySQL stops a recursive CTE at 1,000 rounds (cte_max_recursion_depth): the numbers
        // come from a cross join of digit tables instead.
        QStringList digits;
        QStringList joins;
        QString number;
        for (qint64 place = 1, k = 0; place < count; place *= 10, ++k) {
            joins.append(QStringLiteral("(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 "
                                        "UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 "
                                        "UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 "
                                        "UNION ALL SELECT 9) d%1")
                             .arg(k));
            digits.append(QStringLiteral("d%1.d * %2").arg(k).arg(place));
        }
        return insert + columns +
               QStringLiteral(" FROM (SELECT %1 AS i FROM %2) n WHERE i < %3")
                   .arg(digits.join(QStringLiteral(" + ")), joins.join(QStringLiteral(", ")))
                   .arg(count);
    }
    return QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE "
                          "i < %1) ")
               .arg(count - 1) +
           insert + columns + QStringLiteral(" FROM n");
}

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
    if (!query.exec(fillSql(dialect, count)))
        qFatal("cannot fill jc_runs: %s", qPrintable(query.lastError().text()));
    QString analyze = QStringLiteral("ANALYZE");
    if (dialect == SqlDialect::Postgres)
        analyze = QStringLiteral("VACUUM (ANALYZE) jc_runs");
    else if (dialect == SqlDialect::MySql)
        analyze = QStringLiteral("ANALYZE TABLE jc_runs");
    query.exec(analyze);
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

} // namespace

int main(int argc, char **argv)
{
    return bench::scenarioMain(argc, argv, quick);
}
