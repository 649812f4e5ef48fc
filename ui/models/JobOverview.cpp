#include "models/JobOverview.h"

#include <QCoreApplication>

namespace jc {

namespace {

// The jobctl rule: overdue when it has run before and no success came for twice the
// schedule's interval (measured at its next two fires).
bool isOverdue(const JobOverview &job, const QDateTime &now)
{
    if (!job.lastRun)
        return false;
    const QDateTime first = job.schedule.next(now);
    const QDateTime second = first.isValid() ? job.schedule.next(first) : QDateTime();
    if (!second.isValid())
        return false;
    return !job.lastSuccess.isValid() || job.lastSuccess.msecsTo(now) > 2 * first.msecsTo(second);
}

} // namespace

JobOverview::State JobOverview::state(const QDateTime &now) const
{
    if (isRunning())
        return State::Running;
    if (pause && pause->isActiveAt(now.toMSecsSinceEpoch()))
        return State::Paused;
    if (isOverdue(*this, now))
        return State::Overdue;
    if (lastRun && isProblem(lastRun->outcome))
        return State::Failing;
    return State::Idle;
}

QDateTime JobOverview::nextRun(const QDateTime &now) const
{
    if (pause && pause->isActiveAt(now.toMSecsSinceEpoch()))
        return {};
    if (scheduledNext.isValid() && scheduledNext > now)
        return scheduledNext;
    return schedule.next(now);
}

QDateTime JobOverview::overdueSince(const QDateTime &now) const
{
    if (!isOverdue(*this, now))
        return {};
    const QDateTime from = lastSuccess.isValid() ? lastSuccess : lastRun->startedAt;
    return schedule.next(from);
}

QString toText(JobOverview::State state)
{
    switch (state) {
    case JobOverview::State::Idle:
        return QCoreApplication::translate("jc::JobOverview", "idle");
    case JobOverview::State::Running:
        return QCoreApplication::translate("jc::JobOverview", "running");
    case JobOverview::State::Paused:
        return QCoreApplication::translate("jc::JobOverview", "paused");
    case JobOverview::State::Overdue:
        return QCoreApplication::translate("jc::JobOverview", "overdue");
    case JobOverview::State::Failing:
        return QCoreApplication::translate("jc::JobOverview", "failing");
    }
    return {};
}

} // namespace jc
