#include "jobs/JobsAtAGlance.h"

#include <QStringList>

namespace jc {

namespace {

// Since when a job in a problem state has been in it, in words; empty for a fine one.
QString problem(const JobsAtAGlance::Job &job, const QDateTime &now,
                const std::function<QString(const QDateTime &)> &timeText)
{
    const JobHealth::Facts &facts = job.facts;
    switch (JobHealth::state(facts, now)) {
    case JobHealth::State::NotResponding: {
        const StoredRun &run = *facts.lastRun;
        const QDateTime since = run.heartbeatAt.isValid() ? run.heartbeatAt : run.startedAt;
        return QStringLiteral("%1 not responding since %2").arg(job.name, timeText(since));
    }
    case JobHealth::State::Overdue:
        return QStringLiteral("%1 overdue since %2")
            .arg(job.name, timeText(JobHealth::overdueSince(facts, now)));
    case JobHealth::State::Failing: {
        const StoredRun &run = *facts.lastRun;
        const QDateTime at = run.finishedAt.isValid() ? run.finishedAt : run.startedAt;
        return QStringLiteral("%1 %2 at %3")
            .arg(job.name, QString(toText(run.outcome)).replace(u'_', u' '), timeText(at));
    }
    case JobHealth::State::Idle:
    case JobHealth::State::Running:
    case JobHealth::State::Paused:
        break;
    }
    return {};
}

} // namespace

JobsAtAGlance JobsAtAGlance::of(const QList<Job> &jobs, const QDateTime &now,
                                const std::function<QString(const QDateTime &)> &timeText)
{
    JobsAtAGlance glance;
    QStringList problems;
    QStringList paused;
    QStringList cancelled;
    for (const Job &job : jobs) {
        if (const QString text = problem(job, now, timeText); !text.isEmpty())
            problems.append(text);
        else if (const auto state = JobHealth::state(job.facts, now);
                 state == JobHealth::State::Paused)
            paused.append(job.name);
        else if (const auto &run = job.facts.lastRun;
                 state == JobHealth::State::Idle && run && run->outcome == RunOutcome::Cancelled)
            cancelled.append(
                QStringLiteral("%1 at %2")
                    .arg(job.name,
                         timeText(run->finishedAt.isValid() ? run->finishedAt : run->startedAt)));
    }
    glance.problems = int(problems.size());
    if (!problems.isEmpty()) {
        glance.level = Level::NeedsAttention;
        glance.text = problems.join(QStringLiteral("; "));
        return glance;
    }
    glance.text = jobs.size() == 1 ? QStringLiteral("The job is healthy")
                                   : QStringLiteral("All %1 jobs healthy").arg(jobs.size());
    QStringList notes;
    if (!paused.isEmpty())
        notes.append(QStringLiteral("paused: %1").arg(paused.join(QStringLiteral(", "))));
    if (!cancelled.isEmpty())
        notes.append(QStringLiteral("latest run cancelled, unfinished: %1")
                         .arg(cancelled.join(QStringLiteral(", "))));
    if (!notes.isEmpty())
        glance.text += QStringLiteral(" (%1)").arg(notes.join(QStringLiteral("; ")));
    return glance;
}

} // namespace jc
