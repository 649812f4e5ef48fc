#pragma once

#include <QString>

#include <optional>

namespace jc {

// What started a run. Stored as text in history: "scheduled", "manual", "catch-up", "retry",
// "backfill" (an admin ran the job as one of its past occurrences: `jobctl run
// --occurrence`, the console's "Run for a past occurrence…").
enum class RunTrigger { Scheduled, Manual, CatchUp, Retry, Backfill };

QString toText(RunTrigger trigger);
std::optional<RunTrigger> runTriggerFromString(const QString &text);

} // namespace jc
