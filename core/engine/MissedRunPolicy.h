#pragma once

#include <QString>
#include <QtGlobal>

#include <chrono>
#include <optional>

namespace jc {

// What to do with occurrences that came due while no instance ran them (all were down, the
// machine slept), found at start-up by comparing the journal's last occurrence with now:
//  CatchUp - run the latest missed occurrence once now (trigger catch-up), and record the
//            others as missed, coalesced into one row;
//  Skip    - run nothing; record them all as missed.
// Either way every missed occurrence shows in the history. A catch-up happens only while the
// latest missed occurrence is younger than `catchUpWindow` (none: any age, since the next
// occurrence has not come yet by definition — a monthly job catches up within its month).
//
// Occurrences that come due while the job is paused are recorded missed (reason paused). By
// default resuming runs nothing at once: a pause is an admin's decision. With
// `catchUpOnResume`, resuming runs the latest of them once as a catch-up, under the same
// window.
struct MissedRunPolicy
{
    enum class Action { CatchUp, Skip };
    // What becomes of a missed occurrence: it runs once as a catch-up, or stays missed, and why.
    enum class Verdict { CatchUp, PolicySkips, OutsideWindow, JobPaused };

    Action action = Action::CatchUp;
    std::optional<std::chrono::milliseconds> catchUpWindow;
    bool catchUpOnResume = false;

    // The one home of the rule for an occurrence missed while no instance ran the job, seen
    // at `now` (epoch ms): a paused job catches up nothing; else the action and the window.
    [[nodiscard]] Verdict onMissed(qint64 occurrence, qint64 now, bool paused) const;
    // The same for the latest occurrence missed while paused, seen when the job is resumed.
    [[nodiscard]] Verdict onResume(qint64 missed, qint64 now) const;
    [[nodiscard]] bool inWindow(qint64 occurrence, qint64 now) const;
};

QString toText(MissedRunPolicy::Action action);
// Why a verdict ran nothing, as log lines say it ("missed-run policy: skip"); empty for CatchUp.
QString toText(MissedRunPolicy::Verdict verdict);

} // namespace jc
