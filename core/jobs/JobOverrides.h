#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "jobs/SettingSpec.h"

#include <QJsonObject>
#include <QStringList>

#include <chrono>
#include <optional>

namespace jc {

// A job's settings as overridden per database (`jobctl set`, the console's settings): a JSON
// object whose keys are
//   schedule            schedule text, parsed in the job's (possibly overridden) zone
//   timeZone            IANA zone
//   overlap             "skip" | "queue" | "parallel"
//   timeoutSeconds      0 (none) .. 604800
//   retryAttempts       1 (no retry) .. 20
//   retryDelaySeconds   1 .. 86400, the first retry's base delay
//   missedRuns          "catch-up" | "skip"
//   catchUpWindowHours  0 (until the next occurrence) .. 8784
//   catchUpOnResume     true | false (or "yes" | "no"): on resume, run the latest occurrence
//                       missed while paused
//   alert…              when the job's problems are alerts and where they go (AlertRules);
//                       validated here, read by `jobctl serve`'s AlertMonitor, not the scheduler
// Every value is validated; a refusal names the setting and says what is allowed.
class JobOverrides
{
public:
    static QStringList keys();

    // The keys above as settings for the console's settings dialog, each defaulting to what
    // `builtIn` (the job on its defaults) does and validated by apply() itself.
    static QList<SettingSpec> settingSpecs(const JobDefinition &builtIn);

    // `job` with `settings` applied, or why not. Keys that are neither the scheduler's nor in
    // `jobKeys` (the job's own settings, applied by JobCatalog) are refused.
    static Expected<JobDefinition, QString> apply(JobDefinition job, const QJsonObject &settings,
                                                  const QStringList &jobKeys = {});

    // The catch-up window `settings` set: catchUpWindowHours when it is a valid number above
    // 0; nullopt when absent, 0 ("until the next occurrence") or invalid (apply() refuses
    // that, and the job's runs fail). For History Retention, which keeps what catch-up needs.
    static std::optional<std::chrono::milliseconds> catchUpWindow(const QJsonObject &settings);

    // "schedule=*/5 * * * *, overlap=queue" for people.
    static QString describe(const QJsonObject &settings);

    // What a change did, key by key, for people: "schedule: 0 3 * * * → */5 * * * *; overlap:
    // default → queue" ("default" where there was no override; "no change" when none).
    // `defaults`: what each key is when it is not set (the job's own defaults), so that a
    // change from or to the default names the value ("daily (default)"), not just "default".
    static QString describeChange(const QJsonObject &before, const QJsonObject &after,
                                  const QJsonObject &defaults = {});
};

} // namespace jc
