#pragma once

#include "engine/JobStatus.h"
#include "engine/LeaseRenewal.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <optional>

// The one line `jobctl serve` shows as its service status (`systemctl status`):
// "4 jobs, next: Stale Credit Purchase Cleanup at 00:00". Running and paused jobs are counted
// ("4 jobs, 1 running, 1 paused, next: …"); the next run is the earliest of the jobs that are
// not paused, every job due then named ("A and B at 00:00"), in `zone`: "HH:mm" within a day
// of `now` (with seconds when they are not zero), else with the date. While the last heartbeat
// pass failed (`lease`: the database is unreachable, or refuses its writes), the line starts
// with it: "database unreachable since 03:12:05 (no heartbeat written); 4 jobs, …", the
// instant being the last pass that got through, so that `systemctl status` does not read as
// all well through an outage.
class ServeStatus
{
public:
    static QString line(const QList<jc::JobStatus> &jobs, const QDateTime &now,
                        const QTimeZone &zone,
                        const std::optional<jc::LeaseRenewal> &lease = std::nullopt);

private:
    static QString jobsLine(const QList<jc::JobStatus> &jobs, const QDateTime &now,
                            const QTimeZone &zone);
};
