#pragma once

#include "jobs/JobHealth.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>

namespace jc {

// The answer to "is everything fine?" in one line, from the one health rule (JobHealth): "All
// 4 jobs healthy", or the jobs that need an admin and since when — "Stale Credit Purchase
// Cleanup failed at Dec 3 00:00 UTC; Monthly Credit Top-Up overdue since Dec 1 00:00 UTC".
// Running, paused and idle jobs are fine (a pause is an admin's decision; it is named, not
// flagged). So is a job whose latest run an admin cancelled, and it is named too, with when:
// its work is unfinished (a cancelled top-up leaves users owed for the period until someone
// runs it again), and "All jobs healthy" alone would hide that. The console shows it above the
// jobs table, in its title and its tray icon.
class JobsAtAGlance
{
public:
    struct Job
    {
        QString name;
        JobHealth::Facts facts;
    };

    enum class Level { Healthy, NeedsAttention };

    Level level = Level::Healthy;
    QString text;
    int problems = 0;

    // `timeText` formats an instant for people, with its zone (the console's TimeDisplay).
    static JobsAtAGlance of(const QList<Job> &jobs, const QDateTime &now,
                            const std::function<QString(const QDateTime &)> &timeText);
};

} // namespace jc
