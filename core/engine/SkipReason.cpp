#include "engine/SkipReason.h"

namespace jc {

QString toText(SkipReason reason)
{
    switch (reason) {
    case SkipReason::Paused:
        return QStringLiteral("paused");
    case SkipReason::Overlap:
        return QStringLiteral("overlap");
    case SkipReason::Coalesced:
        return QStringLiteral("coalesced");
    case SkipReason::ClaimedElsewhere:
        return QStringLiteral("claimed elsewhere");
    case SkipReason::Stopping:
        return QStringLiteral("stopping");
    case SkipReason::DatabaseUnavailable:
        return QStringLiteral("database unavailable");
    }
    return {};
}

} // namespace jc
