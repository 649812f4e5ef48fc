#include "engine/MissedRunPolicy.h"

namespace jc {

QString toText(MissedRunPolicy::Action action)
{
    return action == MissedRunPolicy::Action::CatchUp ? QStringLiteral("catch-up")
                                                      : QStringLiteral("skip");
}

} // namespace jc
