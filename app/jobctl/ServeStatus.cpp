#include "ServeStatus.h"

#include <QStringList>

#include <algorithm>

using jc::JobStatus;

namespace {

QString when(const QDateTime &at, const QDateTime &now, const QTimeZone &zone)
{
    const QDateTime local = at.toTimeZone(zone);
    QString format =
        local.time().second() == 0 ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss");
    if (at > now.addDays(1))
        format.prepend(QStringLiteral("yyyy-MM-dd "));
    return local.toString(format);
}

// "database unreachable since 03:12:05 (no heartbeat written); " while the last pass failed.
QString outage(const std::optional<jc::LeaseRenewal> &lease, const QDateTime &now,
               const QTimeZone &zone)
{
    if (!lease || lease->ok)
        return {};
    if (lease->renewedAtMSecs <= 0)
        return QStringLiteral("database unreachable (no heartbeat written yet); ");
    const QDateTime since = QDateTime::fromMSecsSinceEpoch(lease->renewedAtMSecs, Qt::UTC);
    const QDateTime local = since.toTimeZone(zone);
    const QString format = since < now.addDays(-1) ? QStringLiteral("yyyy-MM-dd HH:mm:ss")
                                                   : QStringLiteral("HH:mm:ss");
    return QStringLiteral("database unreachable since %1 (no heartbeat written); ")
        .arg(local.toString(format));
}

} // namespace

QString ServeStatus::line(const QList<JobStatus> &jobs, const QDateTime &now, const QTimeZone &zone,
                          const std::optional<jc::LeaseRenewal> &lease)
{
    return outage(lease, now, zone) + jobsLine(jobs, now, zone);
}

QString ServeStatus::jobsLine(const QList<JobStatus> &jobs, const QDateTime &now,
                              const QTimeZone &zone)
{
    QStringList parts{jobs.size() == 1 ? QStringLiteral("1 job")
                                       : QStringLiteral("%1 jobs").arg(jobs.size())};
    const auto running = std::count_if(jobs.cbegin(), jobs.cend(),
                                       [](const JobStatus &job) { return job.runningRuns > 0; });
    const auto paused =
        std::count_if(jobs.cbegin(), jobs.cend(), [](const JobStatus &job) { return job.paused; });
    if (running > 0)
        parts.append(QStringLiteral("%1 running").arg(running));
    if (paused > 0)
        parts.append(QStringLiteral("%1 paused").arg(paused));

    QDateTime next;
    QStringList names;
    for (const JobStatus &job : jobs) {
        if (job.paused || !job.nextRun.isValid())
            continue;
        if (!next.isValid() || job.nextRun < next) {
            next = job.nextRun;
            names.clear();
        }
        if (job.nextRun == next)
            names.append(job.name);
    }
    if (!next.isValid()) {
        parts.append(QStringLiteral("nothing scheduled"));
        return parts.join(QStringLiteral(", "));
    }
    names.sort();
    parts.append(QStringLiteral("next: %1 at %2")
                     .arg(names.join(QStringLiteral(" and ")), when(next, now, zone)));
    return parts.join(QStringLiteral(", "));
}
