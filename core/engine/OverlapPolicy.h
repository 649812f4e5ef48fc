#pragma once

#include <QString>

#include <optional>

namespace jc {

// What happens when a job is due (or asked to run) while a run of it is still going:
//  Skip     - the new occurrence is recorded as skipped (the default: as the original
//             scheduler, a job never overlaps itself);
//  Queue    - one run waits and starts when the current one ends; further ones are skipped;
//  Parallel - runs side by side.
enum class OverlapPolicy { Skip, Queue, Parallel };

QString toText(OverlapPolicy policy);
std::optional<OverlapPolicy> overlapPolicyFromString(const QString &text);

} // namespace jc
