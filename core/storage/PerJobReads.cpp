#include "storage/PerJobReads.h"

#include "engine/RunOutcome.h"
#include "engine/RunTrigger.h"
#include "engine/SkipReason.h"

namespace jc {

namespace {

QVariantList schedulingTriggers()
{
    return {toText(RunTrigger::Scheduled), toText(RunTrigger::CatchUp), toText(RunTrigger::Retry),
            toText(RunTrigger::Backfill)};
}

} // namespace

PerJobStatement PerJobReads::jobs(SqlDialect dialect)
{
    if (dialect == SqlDialect::MySql)
        return {QStringLiteral("the jobs in the run history"),
                QStringLiteral("SELECT DISTINCT job_name FROM jc_runs ORDER BY job_name"),
                {}};
    return {QStringLiteral("the jobs in the run history"),
            QStringLiteral("WITH RECURSIVE jobs(name) AS (SELECT MIN(job_name) FROM jc_runs UNION "
                           "ALL SELECT (SELECT MIN(job_name) FROM jc_runs WHERE job_name > "
                           "jobs.name) FROM jobs WHERE jobs.name IS NOT NULL) SELECT name FROM "
                           "jobs WHERE name IS NOT NULL"),
            {}};
}

// started_at_ms IS NOT NULL: every row this program writes has one, and PostgreSQL sorts a
// NULL first in DESC order.
PerJobStatement PerJobReads::latestRun(const QString &columns)
{
    return {QStringLiteral("the latest run of each job"),
            QStringLiteral("SELECT %1 FROM jc_runs WHERE job_name = ? AND started_at_ms IS NOT "
                           "NULL AND status NOT IN (?, ?) ORDER BY started_at_ms DESC, id DESC "
                           "LIMIT 1")
                .arg(columns),
            {toText(RunOutcome::Skipped), toText(RunOutcome::Missed)}};
}

// Walks back past the job's dry runs (few: each is a person's request).
PerJobStatement PerJobReads::lastSuccess()
{
    return {QStringLiteral("the last success of each job"),
            QStringLiteral("SELECT finished_at_ms FROM jc_runs WHERE job_name = ? AND status = ? "
                           "AND finished_at_ms IS NOT NULL AND dry_run = ? ORDER BY "
                           "finished_at_ms DESC LIMIT 1"),
            {toText(RunOutcome::Succeeded), false}};
}

// Walks back past the job's manual runs, whose occurrence is when someone asked (few).
PerJobStatement PerJobReads::lastOccurrence()
{
    return {QStringLiteral("the last occurrence of each job"),
            QStringLiteral("SELECT occurrence_ms FROM jc_runs WHERE job_name = ? AND "
                           "occurrence_ms IS NOT NULL AND \"trigger\" IN (?, ?, ?, ?) ORDER BY "
                           "occurrence_ms DESC LIMIT 1"),
            schedulingTriggers()};
}

// The row under the occurrence's own key (coalesced rows have keys of their own) failed,
// timed out, was interrupted or abandoned, or is missed because the database was away; and no
// real run of the same occurrence (a backfill, say) succeeded since.
PerJobStatement PerJobReads::unfinishedOccurrence()
{
    return {QStringLiteral("the unfinished last occurrence of each job"),
            QStringLiteral(
                "SELECT r.job_name FROM jc_runs r WHERE r.job_name = ? AND r.occurrence_ms = ? AND "
                "r.\"trigger\" IN (?, ?, ?, ?) AND r.occurrence_key NOT LIKE 'skipped:%' AND "
                "(r.status IN (?, ?, ?, ?) OR (r.status = ? AND r.skip_reason = ?)) AND NOT "
                "EXISTS (SELECT 1 FROM jc_runs s WHERE s.job_name = r.job_name AND "
                "s.occurrence_ms = r.occurrence_ms AND s.status = ? AND s.dry_run = ?)"),
            schedulingTriggers() +
                QVariantList{toText(RunOutcome::Failed), toText(RunOutcome::TimedOut),
                             toText(RunOutcome::Interrupted), toText(RunOutcome::Abandoned),
                             toText(RunOutcome::Missed), toText(SkipReason::DatabaseUnavailable),
                             toText(RunOutcome::Succeeded), false}};
}

} // namespace jc
