#include "engine/MissedRunPolicy.h"

namespace jc {

QString toText(MissedRunPolicy::Action action)
{
    return action == MissedRunPolicy::Action::CatchUp ? QStringLiteral("catch-up")
                                                      : QStringLiteral("skip");
}

QString toText(MissedRunPolicy::Verdict verdict)
{
    switch (verdict) {
    case MissedRunPolicy::Verdict::CatchUp:
        return {};
    case MissedRunPolicy::Verdict::PolicySkips:
        return QStringLiteral("missed-run policy: skip");
    case MissedRunPolicy::Verdict::OutsideWindow:
        return QStringLiteral("outside the catch-up window");
    case MissedRunPolicy::Verdict::JobPaused:
        return QStringLiteral("the job is paused");
    }
    return {};
}

bool MissedRunPolicy::inWindow(qint64 occurrence, qint64 now) const
{
    return !catchUpWindow || now - occurrence <= catchUpWindow->count();
}

MissedRunPolicy::Verdict MissedRunPolicy::onMissed(qint64 occurrence, qint64 now, bool paused) const
{
    if (paused)
        return Verdict::JobPaused;
    if (!inWindow(occurrence, now))
        return Verdict::OutsideWindow;
    return action == Action::CatchUp ? Verdict::CatchUp : Verdict::PolicySkips;
}

MissedRunPolicy::Verdict MissedRunPolicy::onResume(qint64 missed, qint64 now) const
{
    if (!catchUpOnResume)
        return Verdict::PolicySkips;
    return inWindow(missed, now) ? Verdict::CatchUp : Verdict::OutsideWindow;
}

} // namespace jc
