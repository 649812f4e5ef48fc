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

// What a run asked for while runs of its job go on gets. The overlap rule is decided here and
// only here: by the scheduler for runs in its own instance, by the journal for runs in
// others, and by the console to tell an admin what "Run now" will do.
enum class OverlapAdmission { Start, Queue, Refuse };

// `running` runs of the job go on in this instance; `queued`: one already waits behind them.
OverlapAdmission admitBeside(OverlapPolicy policy, int running, bool queued);
// A run of the job goes on in another instance. A queue belongs to one instance (a run cannot
// wait for another process's run), so there queue starts beside it as parallel does.
OverlapAdmission admitBesideAnotherInstance(OverlapPolicy policy);

QString toText(OverlapPolicy policy);
std::optional<OverlapPolicy> overlapPolicyFromString(const QString &text);

} // namespace jc
