#include "storage/PerJobReads.h"

#include "engine/RunOutcome.h"
#include "engine/RunTrigger.h"
#include "engine/SkipReason.h"

namespace jc {

namespace {

// The triggers of the rows that stand for scheduled occurrences: "trigger" IN (:scheduled,
// :catch_up, :retry, :backfill).
SqlStatement::Values schedulingTriggers()
{
    return {{QStringLiteral(":scheduled"), toText(RunTrigger::Scheduled)},
            {QStringLiteral(":catch_up"), toText(RunTrigger::CatchUp)},
            {QStringLiteral(":retry"), toText(RunTrigger::Retry)},
            {QStringLiteral(":backfill"), toText(RunTrigger::Backfill)}};
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
            QStringLiteral("SELECT %1 FROM jc_runs WHERE job_name = :job AND started_at_ms IS NOT "
                           "NULL AND status NOT IN (:skipped, :missed) ORDER BY started_at_ms "
                           "DESC, id DESC LIMIT 1")
                .arg(columns),
            {{QStringLiteral(":skipped"), toText(RunOutcome::Skipped)},
             {QStringLiteral(":missed"), toText(RunOutcome::Missed)}}};
}

// Walks back past the job's dry runs (few: each is a person's request).
PerJobStatement PerJobReads::lastSuccess()
{
    return {QStringLiteral("the last success of each job"),
            QStringLiteral("SELECT finished_at_ms FROM jc_runs WHERE job_name = :job AND status = "
                           ":succeeded AND finished_at_ms IS NOT NULL AND dry_run = :dry_run "
                           "ORDER BY finished_at_ms DESC LIMIT 1"),
            {{QStringLiteral(":succeeded"), toText(RunOutcome::Succeeded)},
             {QStringLiteral(":dry_run"), false}}};
}

// Walks back past the job's manual runs, whose occurrence is when someone asked (few).
PerJobStatement PerJobReads::lastOccurrence()
{
    return {QStringLiteral("the last occurrence of each job"),
            QStringLiteral("SELECT occurrence_ms FROM jc_runs WHERE job_name = :job AND "
                           "occurrence_ms IS NOT NULL AND \"trigger\" IN (:scheduled, :catch_up, "
                           ":retry, :backfill) ORDER BY occurrence_ms DESC LIMIT 1"),
            schedulingTriggers()};
}

// The row under the occurrence's own key (coalesced rows have keys of their own) failed,
// timed out, was interrupted or abandoned, or is missed because the database was away; and no
// real run of the same occurrence (a backfill, say) succeeded since.
PerJobStatement PerJobReads::unfinishedOccurrence()
{
    SqlStatement::Values values = schedulingTriggers();
    values.insert(
        {{QStringLiteral(":failed"), toText(RunOutcome::Failed)},
         {QStringLiteral(":timed_out"), toText(RunOutcome::TimedOut)},
         {QStringLiteral(":interrupted"), toText(RunOutcome::Interrupted)},
         {QStringLiteral(":abandoned"), toText(RunOutcome::Abandoned)},
         {QStringLiteral(":missed"), toText(RunOutcome::Missed)},
         {QStringLiteral(":database_unavailable"), toText(SkipReason::DatabaseUnavailable)},
         {QStringLiteral(":succeeded"), toText(RunOutcome::Succeeded)},
         {QStringLiteral(":dry_run"), false}});
    return {QStringLiteral("the unfinished last occurrence of each job"),
            QStringLiteral(
                "SELECT r.job_name FROM jc_runs r WHERE r.job_name = :job AND r.occurrence_ms = "
                ":occurrence AND r.\"trigger\" IN (:scheduled, :catch_up, :retry, :backfill) AND "
                "r.occurrence_key NOT LIKE 'skipped:%' AND (r.status IN (:failed, :timed_out, "
                ":interrupted, :abandoned) OR (r.status = :missed AND r.skip_reason = "
                ":database_unavailable)) AND NOT EXISTS (SELECT 1 FROM jc_runs s WHERE "
                "s.job_name = r.job_name AND s.occurrence_ms = r.occurrence_ms AND s.status = "
                ":succeeded AND s.dry_run = :dry_run)"),
            values};
}

} // namespace jc
