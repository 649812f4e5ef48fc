#pragma once

#include <QString>

namespace jc {

// Why an occurrence did not run while its job was paused, as the history and the logs say it:
// "The job is paused by <who>: <reason>" (each part left out when empty). The scheduler says it
// of a pause it knows (SchedulerJob::pausedDetail), the claim of one it finds stored (RunClaims).
QString pauseDetail(const QString &pausedBy, const QString &reason);

} // namespace jc
