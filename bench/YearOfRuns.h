#pragma once

// A year of history written directly by SQL (issue 22's benchmarks: bench_history,
// bench_console's Year scenario): runs of the four maintenance jobs, round robin over 2026,
// one in 50 failed with "disk full" (every failure belongs to Stale Credit Purchase Cleanup or
// History Retention), each run 1.5 s long. Ids ascend with time. 1,000,000 runs take seconds,
// not the hours the scheduler would.
#include "storage/SqlDialect.h"

#include <QString>
#include <QStringList>

namespace jc::bench {

inline constexpr qint64 YearStart = 1'767'225'600'000; // 2026-01-01T00:00:00Z
inline constexpr qint64 YearMSecs = qint64{365} * 86'400'000;

// The four jobs, as the rows name them.
inline QStringList yearJobs()
{
    return {QStringLiteral("Monthly Credit Top-Up"),
            QStringLiteral("Stale Credit Purchase Cleanup"),
            QStringLiteral("Orphaned Uploads Cleanup"), QStringLiteral("History Retention")};
}

// `count` runs of the four jobs, round robin over a year, one in 50 failed, written by one
// INSERT ... SELECT over a generated series of numbers.
inline QString yearOfRunsSql(SqlDialect dialect, qint64 count)
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

// What makes the planner see the rows just written.
inline QString analyzeRunsSql(SqlDialect dialect)
{
    switch (dialect) {
    case SqlDialect::Postgres:
        return QStringLiteral("VACUUM (ANALYZE) jc_runs");
    case SqlDialect::MySql:
        return QStringLiteral("ANALYZE TABLE jc_runs");
    case SqlDialect::Sqlite:
        break;
    }
    return QStringLiteral("ANALYZE");
}

} // namespace jc::bench
