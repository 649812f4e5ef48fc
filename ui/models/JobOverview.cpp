#include "models/JobOverview.h"

namespace jc {

JobHealth::Facts JobOverview::facts() const
{
    JobHealth::Facts facts;
    facts.schedule = schedule;
    facts.lastRun = lastRun;
    facts.lastOccurrence = lastOccurrence;
    facts.earlierSchedules = earlierSchedules;
    facts.pause = pause;
    facts.runningHere = localRun.has_value();
    facts.notResponding = notResponding;
    return facts;
}

JobOverview::State JobOverview::state(const QDateTime &now) const
{
    return JobHealth::state(facts(), now);
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
    return JobHealth::overdueSince(facts(), now);
}

} // namespace jc
