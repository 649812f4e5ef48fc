#pragma once

#include "common/Expected.h"
#include "engine/RunRequest.h"
#include "engine/RunTrigger.h"

#include <QString>
#include <QtGlobal>

namespace jc {

struct JobDefinition;

// A run about to start, waiting behind a running one (overlap policy Queue), or waiting for
// its retry time.
struct PendingRun
{
    qint64 occurrence = 0; // ms since the epoch
    RunTrigger trigger = RunTrigger::Scheduled;
    int attempt = 1;
    RunRequest request;

    // The run an admin's request makes of `job` at `now` (epoch ms): a manual run's occurrence
    // is now; a backfill's is the past occurrence it asked for, refused (with the nearest
    // occurrences named) unless it is one of the job's schedule in the zone it runs in.
    static Expected<PendingRun, QString> forRequest(const JobDefinition &job,
                                                    const RunRequest &request, qint64 now);
};

} // namespace jc
