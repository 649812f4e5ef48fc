#include "engine/CatchUpPlanner.h"

#include "common/IsoTime.h"
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
    plan.inWindow = job.definition.policies.missed.inWindow(plan.latest, now);
    return plan;
}

QString CatchUpPlanner::Wake::coalescedDetail() const
{
    return QStringLiteral("%1 occurrences came due while this instance was not running them "
                          "(down, asleep or the clock jumped); ran the latest, %2")
        .arg(coalesced)
        .arg(IsoTime::format(utcDateTime(occurrence), true));
}

QString CatchUpPlanner::StartUp::missedDetail(MissedRunPolicy::Action action) const
{
    const QString then =
        runsLatest() ? QStringLiteral(", the latest runs as a catch-up")
                     : (inWindow ? QString() : QStringLiteral(", outside the catch-up window"));
    return QStringLiteral("%1 occurrence(s) from %2 came due while no instance was running; "
                          "missed-run policy: %3%4")
        .arg(recordedMissed())
        .arg(IsoTime::format(utcDateTime(first), true), toText(action), then);
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
