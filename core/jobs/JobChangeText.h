#pragma once

#include "storage/JobSettingsStore.h"

#include <QDateTime>
#include <QString>

#include <functional>

namespace jc {

// One entry of a job's change log in words, the same in the console's Settings changes tab,
// `jobctl history JOB` and `jobctl set JOB`:
//   settings  "schedule: 0 0 * * * → */5 * * * *"               (JobOverrides::describeChange)
//   pause     "paused until 2026-12-05T00:00:00Z: migrating the shop"
//   resume    "resumed (paused by alice since 2026-12-03T10:00:00Z: migrating the shop)"
// Who and when are the entry's own columns, shown beside it. Instants are ISO 8601 by default
// (what a script reads from jobctl); the console passes its own short form with the zone
// ("Dec 5 00:00 UTC"), as the rest of its window writes them.
class JobChangeText
{
public:
    using TimeFormat = std::function<QString(const QDateTime &)>;
    static QString of(const JobSettingsChange &change, const TimeFormat &time = {});
};

} // namespace jc
