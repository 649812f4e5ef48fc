#pragma once

#include "storage/Migration.h"

#include <QList>
#include <QStringList>

namespace jc {

// The schema, as the list of migrations that builds it (both dialects). Append new
// migrations at the end with the next version; never edit a released one.
//
//  1  The app's tables (users, credit_adjustments, credit_purchases, blocks,
//     team_block_states), created only when absent: an existing app database keeps its own.
//  2  The top-up's idempotency key: credit_adjustments.period (the occurrence's year and
//     month, "2026-12"; added only when absent) and a unique index on (user_id, period).
//  3  The scheduler's tables: jc_runs, jc_run_logs, jc_job_pauses, jc_job_settings,
//     jc_job_changes, jc_instances.
//  7  The switch-over from the web app's own scheduler: its top-up rows get their period where
//     the month is the same in every zone; an index of the rows without a period.
//  8  jc_runs.skip_reason: why a `missed` row did not run (start-up catch-up finishes an
//     occurrence the database was away for, not one an admin paused).
//
// Times: see SqlTime (app tables: timestamptz / UTC text; jc_* tables: *_ms epoch millis).
class MigrationCatalog
{
public:
    static QList<Migration> all();
    static int latestVersion();

    // The web app's own tables (APP-SCHEMA.md), which an app database has: a database with
    // tables but none of these (and none of ours, jc_*) is another program's.
    static QStringList appTableNames();

    // The migration whose applied_at_ms is when this program took the top-up over from the
    // web app's own scheduler (top-up rows without a period written later come from the app).
    static constexpr int switchOverVersion = 7;
};

} // namespace jc
