#include "engine/PendingRun.h"

#include "common/IsoTime.h"
#include "engine/JobDefinition.h"
#include "schedule/OccurrenceFinder.h"

namespace jc {

Expected<PendingRun, QString> PendingRun::forRequest(const JobDefinition &job,
                                                     const RunRequest &request, qint64 now)
{
    if (!request.occurrence.isValid())
        return PendingRun{now, RunTrigger::Manual, 1, request};
    if (const auto refusal =
            OccurrenceFinder::notAnOccurrence(job.schedule, request.occurrence, job.name))
        return Unexpected(*refusal);
    if (request.occurrence.toMSecsSinceEpoch() > now)
        return Unexpected(
            QStringLiteral("%1 has not come yet: only past occurrences of \"%2\" can be run "
                           "as a backfill")
                .arg(IsoTime::format(request.occurrence, job.schedule.zone()), job.name));
    return PendingRun{request.occurrence.toMSecsSinceEpoch(), RunTrigger::Backfill, 1, request};
}

} // namespace jc
