#pragma once

#include "storage/SqlDialect.h"
#include "storage/SqlStatement.h"

#include <QString>

namespace jc {

// One statement of the per-job reads: its SQL, whose :job is the job's name (none in jobs())
// and whose :occurrence (unfinishedOccurrence() only) is the occurrence asked about, and the
// values of its other placeholders.
struct PerJobStatement
{
    QString what; // for error messages: "the latest run of each job"
    QString sql;
    SqlStatement::Values values;
};

// The statements behind RunHistory's per-job answers (latest run, last success, last
// occurrence, whether that occurrence is unfinished), in one place so that tst_runhistory can
// check each one's plan on every dialect: each is an index seek per job, never a scan of
// jc_runs, so what a refresh of the console or `jobctl list` reads grows with the number of
// jobs, not of runs. Before, they ranked or aggregated the whole table: `jobctl list` took
// 5.1 s on a year of history (1,000,000 runs) against 19 ms on 1,000.
//
// The indexes are migration 13's (ix_jc_runs_job_started, ix_jc_runs_job_status_finished)
// and migration 3's (ix_jc_runs_job_newest, ix_jc_runs_job_occurrence).
class PerJobReads
{
public:
    // The names of the jobs that have rows, in name order, by a loose index scan: one seek
    // per job. SQLite and PostgreSQL: a recursive query (their SELECT DISTINCT would read every
    // entry of the index); MySQL: SELECT DISTINCT, which it reads as a loose index scan
    // itself ("Using index for group-by"), while it walks the whole index for the recursive
    // form's subquery. Binds nothing.
    static PerJobStatement jobs(SqlDialect dialect);
    // The job's latest run that did run (not skipped or missed), by start time, then id: a
    // retry re-opens an older row. Selects `columns`.
    static PerJobStatement latestRun(const QString &columns);
    // finished_at_ms of the job's newest real (not dry) success.
    static PerJobStatement lastSuccess();
    // The newest occurrence_ms of the job's scheduled, catch-up, retry and backfill rows.
    static PerJobStatement lastOccurrence();
    // A row (the job's name) when the job's :occurrence did not get done: see
    // RunHistory::unfinishedLastOccurrencePerJob.
    static PerJobStatement unfinishedOccurrence();
};

} // namespace jc
