#include "engine/RunOutcome.h"

#include <array>

namespace jc {

namespace {

constexpr std::array allOutcomes{
    RunOutcome::Running,     RunOutcome::Succeeded, RunOutcome::Failed,
    RunOutcome::Cancelled,   RunOutcome::TimedOut,  RunOutcome::Abandoned,
    RunOutcome::Interrupted, RunOutcome::Skipped,   RunOutcome::Missed};

} // namespace

QString toText(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Running:
        return QStringLiteral("running");
    case RunOutcome::Succeeded:
        return QStringLiteral("succeeded");
    case RunOutcome::Failed:
        return QStringLiteral("failed");
    case RunOutcome::Cancelled:
        return QStringLiteral("cancelled");
    case RunOutcome::TimedOut:
        return QStringLiteral("timed_out");
    case RunOutcome::Abandoned:
        return QStringLiteral("abandoned");
    case RunOutcome::Interrupted:
        return QStringLiteral("interrupted");
    case RunOutcome::Skipped:
        return QStringLiteral("skipped");
    case RunOutcome::Missed:
        return QStringLiteral("missed");
    }
    return {};
}

std::optional<RunOutcome> runOutcomeFromString(const QString &text)
{
    for (auto outcome : allOutcomes) {
        if (toText(outcome) == text)
            return outcome;
    }
    return std::nullopt;
}

bool isProblem(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Failed:
    case RunOutcome::TimedOut:
    case RunOutcome::Abandoned:
    case RunOutcome::Interrupted:
    case RunOutcome::Missed:
        return true;
    default:
        return false;
    }
}

} // namespace jc
