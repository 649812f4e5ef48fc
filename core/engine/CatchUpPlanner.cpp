#include "engine/CatchUpPlanner.h"

#include "engine/SchedulerJob.h"

namespace jc {

CatchUpPlanner::Wake CatchUpPlanner::atWake(const Schedule &schedule, qint64 due, qint64 now)
{
    Wake wake{due, 0};
    qint64 next = schedule.nextMSecs(wake.occurrence);
    while (next >= 0 && next <= now && wake.coalesced < maxWalk) {
        wake.occurrence = next;
        ++wake.coalesced;
        next = schedule.nextMSecs(wake.occurrence);
    }
    return wake;
}

// Occurrences in (lastOccurrence, now] were missed while no instance ran the job: those of
// the schedule in force at each moment.
std::optional<CatchUpPlanner::StartUp> CatchUpPlanner::atStartUp(const SchedulerJob &job,
                                                                 qint64 now) const
{
    const auto last = lastOccurrenceOf(job.definition.name);
    if (!last)
        return std::nullopt;
    const ScheduleTimeline schedules = schedulesOf(job);
    const qint64 first = schedules.nextMSecs(*last);
    if (first < 0 || first > now)
        return std::nullopt;
    StartUp plan{first, first, 1, MissedRunPolicy::Verdict::PolicySkips};
    for (qint64 next = schedules.nextMSecs(plan.latest);
         next >= 0 && next <= now && plan.count < maxWalk;
         next = schedules.nextMSecs(plan.latest)) {
        plan.latest = next;
        ++plan.count;
    }
    plan.verdict = job.definition.policies.missed.onMissed(plan.latest, now, job.paused);
    return plan;
}

std::optional<CatchUpPlanner::Unfinished>
CatchUpPlanner::unfinishedAtStartUp(const SchedulerJob &job, qint64 now) const
{
    const auto last = lastOccurrenceOf(job.definition.name);
    const auto unfinished = m_unfinishedOccurrences.constFind(job.definition.name);
    if (!last || unfinished == m_unfinishedOccurrences.cend() || unfinished.value() != *last)
        return std::nullopt;
    const qint64 next = schedulesOf(job).nextMSecs(*last);
    if (next >= 0 && next <= now)
        return std::nullopt;
    return Unfinished{*last, job.definition.policies.missed.onMissed(*last, now, job.paused)};
}

void CatchUpPlanner::setLastOccurrences(const QHash<QString, qint64> &lastOccurrences)
{
    m_lastOccurrences = lastOccurrences;
}

void CatchUpPlanner::setUnfinishedOccurrences(const QHash<QString, qint64> &unfinished)
{
    m_unfinishedOccurrences = unfinished;
}

void CatchUpPlanner::setEarlierSchedules(
    const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlier)
{
    m_earlierSchedules = earlier;
}

std::optional<qint64> CatchUpPlanner::lastOccurrenceOf(const QString &job) const
{
    if (const auto last = m_lastOccurrences.constFind(job); last != m_lastOccurrences.cend())
        return last.value();
    return std::nullopt;
}

ScheduleTimeline CatchUpPlanner::schedulesOf(const SchedulerJob &job) const
{
    return {m_earlierSchedules.value(job.definition.name), job.definition.schedule};
}

} // namespace jc
