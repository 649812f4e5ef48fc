#include "jobs/JobHealth.h"

namespace jc {

bool JobHealth::isPausedAt(const Facts &facts, const QDateTime &now)
{
    return facts.pause && facts.pause->isActiveAt(now.toMSecsSinceEpoch());
}

QDateTime JobHealth::reference(const Facts &facts)
{
    QDateTime latest = facts.lastOccurrence;
    if (facts.lastRun) {
        const QDateTime started = facts.lastRun->startedAt.isValid() ? facts.lastRun->startedAt
                                                                     : facts.lastRun->occurrence;
        if (started.isValid() && (!latest.isValid() || started > latest))
            latest = started;
    }
    return latest;
}

QDateTime JobHealth::overdueSince(const Facts &facts, const QDateTime &now)
{
    if (isPausedAt(facts, now))
        return {};
    const QDateTime from = reference(facts);
    if (!from.isValid())
        return {};
    const qint64 next = ScheduleTimeline(facts.earlierSchedules, facts.schedule)
                            .nextMSecs(from.toMSecsSinceEpoch());
    if (next < 0)
        return {};
    QDateTime due = QDateTime::fromMSecsSinceEpoch(next, facts.schedule.zone());
    if (due.addSecs(std::chrono::seconds(overdueGrace).count()) > now)
        return {};
    return due;
}

JobHealth::State JobHealth::state(const Facts &facts, const QDateTime &now)
{
    const bool storedRunning = facts.lastRun && facts.lastRun->outcome == RunOutcome::Running;
    if (facts.runningHere || (storedRunning && !facts.notResponding))
        return State::Running;
    if (storedRunning)
        return State::NotResponding;
    if (isPausedAt(facts, now))
        return State::Paused;
    if (overdueSince(facts, now).isValid())
        return State::Overdue;
    if (facts.lastRun && isProblem(facts.lastRun->outcome))
        return State::Failing;
    return State::Idle;
}

QString toText(JobHealth::State state)
{
    switch (state) {
    case JobHealth::State::Idle:
        return QStringLiteral("idle");
    case JobHealth::State::Running:
        return QStringLiteral("running");
    case JobHealth::State::Paused:
        return QStringLiteral("paused");
    case JobHealth::State::Failing:
        return QStringLiteral("failing");
    case JobHealth::State::Overdue:
        return QStringLiteral("overdue");
    case JobHealth::State::NotResponding:
        return QStringLiteral("not responding");
    }
    return {};
}

} // namespace jc
