#pragma once

#include "engine/JobDefinition.h"
#include "storage/ConnectionFactory.h"

#include <memory>

namespace jc {

// The built-in "History Retention" job: keeps run history from growing without bound while
// keeping what admins look back for. Per job it keeps the newest `keepRuns` runs and every
// problem run (failed, timed out, interrupted, abandoned, missed) of the last `keepProblemDays`
// days, and deletes the rest (with their log lines) in small batches, each its own
// transaction, so that it never holds a long lock on a shared database. Running runs are
// never touched. Daily at 03:17 by default, off the hour when other jobs run.
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

    static JobDefinition definition(std::shared_ptr<ConnectionFactory> database,
                                    const QTimeZone &zone);
    static JobDefinition definition(std::shared_ptr<ConnectionFactory> database,
                                    const QTimeZone &zone, Settings settings);

    // The body, callable on any worker thread.
    static JobResult run(JobContext &context, ConnectionFactory &database,
                         const Settings &settings);
};

} // namespace jc
