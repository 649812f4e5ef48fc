#pragma once

#include <QString>

#include <optional>

namespace jc {

// What started a run. Stored as text in history: "scheduled", "manual", "catch-up", "retry".
enum class RunTrigger { Scheduled, Manual, CatchUp, Retry };

QString toText(RunTrigger trigger);
std::optional<RunTrigger> runTriggerFromString(const QString &text);

} // namespace jc
