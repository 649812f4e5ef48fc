#include "engine/OverlapPolicy.h"

namespace jc {

QString toText(OverlapPolicy policy)
{
    switch (policy) {
    case OverlapPolicy::Skip:
        return QStringLiteral("skip");
    case OverlapPolicy::Queue:
        return QStringLiteral("queue");
    case OverlapPolicy::Parallel:
        return QStringLiteral("parallel");
    }
    return {};
}

std::optional<OverlapPolicy> overlapPolicyFromString(const QString &text)
{
    for (auto policy : {OverlapPolicy::Skip, OverlapPolicy::Queue, OverlapPolicy::Parallel}) {
        if (toText(policy) == text.trimmed().toLower())
            return policy;
    }
    return std::nullopt;
}

} // namespace jc
