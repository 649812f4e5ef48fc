#include "engine/RunTrigger.h"

namespace jc {

QString toText(RunTrigger trigger)
{
    switch (trigger) {
    case RunTrigger::Scheduled:
        return QStringLiteral("scheduled");
    case RunTrigger::Manual:
        return QStringLiteral("manual");
    case RunTrigger::CatchUp:
        return QStringLiteral("catch-up");
    case RunTrigger::Retry:
        return QStringLiteral("retry");
    case RunTrigger::Backfill:
        return QStringLiteral("backfill");
    }
    return {};
}

std::optional<RunTrigger> runTriggerFromString(const QString &text)
{
    for (auto trigger : {RunTrigger::Scheduled, RunTrigger::Manual, RunTrigger::CatchUp,
                         RunTrigger::Retry, RunTrigger::Backfill}) {
        if (toText(trigger) == text)
            return trigger;
    }
    return std::nullopt;
}

} // namespace jc
