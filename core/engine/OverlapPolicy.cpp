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

OverlapAdmission admitBeside(OverlapPolicy policy, int running, bool queued)
{
    if (running == 0)
        return OverlapAdmission::Start;
    switch (policy) {
    case OverlapPolicy::Parallel:
        return OverlapAdmission::Start;
    case OverlapPolicy::Queue:
        return queued ? OverlapAdmission::Refuse : OverlapAdmission::Queue;
    case OverlapPolicy::Skip:
        break;
    }
    return OverlapAdmission::Refuse;
}

OverlapAdmission admitBesideAnotherInstance(OverlapPolicy policy)
{
    return policy == OverlapPolicy::Skip ? OverlapAdmission::Refuse : OverlapAdmission::Start;
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
