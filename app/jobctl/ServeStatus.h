#pragma once

#include "engine/JobStatus.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

// The one line `jobctl serve` shows as its service status (`systemctl status`):
// "4 jobs, next: Stale Credit Purchase Cleanup at 00:00". Running and paused jobs are counted
// ("4 jobs, 1 running, 1 paused, next: …"); the next run is the earliest of the jobs that are
// not paused, every job due then named ("A and B at 00:00"), in `zone`: "HH:mm" within a day
// of `now` (with seconds when they are not zero), else with the date.
class ServeStatus
{
public:
    static QString line(const QList<jc::JobStatus> &jobs, const QDateTime &now,
                        const QTimeZone &zone);
};
