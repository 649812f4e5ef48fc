#pragma once

#include "engine/JobDefinition.h"
#include "storage/ConnectionFactory.h"

#include <memory>

namespace jc {

// The built-in "History Retention" job: keeps run history from growing without bound while
// keeping what admins look back for. Per job it keeps the newest `keepRuns` runs and every
// problem run (failed, timed out, interrupted, abandoned, missed) of the last `keepProblemDays`
// days, and deletes the rest (with their log lines) in small batches, each its own write
// transaction (WriteTransaction: SQLite's write lock up front, so a concurrent writer makes
// it wait rather than fail), so that it never holds a long lock on a shared database. Running
// runs are never touched. Daily at 03:17 by default, off the hour when other jobs run.
//
// Whatever keepRuns says, it never deletes what exactly-once depends on. The scheduler's
// start-up asks for each job's last occurrence (RunHistory::lastOccurrencePerJob: the largest
// occurrence of its scheduled, catch-up and retry rows) and catches up only after it; and a
// row's unique occurrence key is what stops a second claim of its occurrence. So, of the
// scheduling triggers (scheduled, catch-up, retry, backfill), it keeps per job:
//  - the latest row (largest occurrence) of each trigger, however old: the last-occurrence
//    answer is the same after retention as before, with or without backfill counted in it;
//  - every row whose occurrence lies within the job's catch-up window of now: the window
//    stored for the job (catchUpWindowHours), or `untilNextOccurrenceDays` when it has none
//    ("until the next occurrence": any age up to the schedule's period; a month is the
//    longest usual period, plus a day for zones and clock slack). Rows older than that are
//    never claimed again: the scheduler no longer catches them up.
// "Now" is when the run started by the scheduler's clock (its RunInfo), not its occurrence:
// a catch-up run of retention may start days after it. Manual runs (and their dry runs) are
// not held by the window: their keys are their own and never stand for an occurrence.
// Cost: a job running every minute with no window keeps ~46,000 scheduled rows (32 days);
// give it a short catch-up window to keep fewer.
class HistoryRetentionJob
{
public:
    static constexpr const char *name = "History Retention";

    struct Settings
    {
        int keepRuns = 200;
        int keepProblemDays = 180;
        int batchSize = 500;
    };

    // How far back scheduling rows are kept for a job without a catch-up window.
    static constexpr int untilNextOccurrenceDays = 32;

    static JobDefinition definition(std::shared_ptr<ConnectionFactory> database,
                                    const QTimeZone &zone, Settings settings);

    // The body, callable on any worker thread.
    static JobResult run(JobContext &context, const std::shared_ptr<ConnectionFactory> &database,
                         const Settings &settings);
};

} // namespace jc
