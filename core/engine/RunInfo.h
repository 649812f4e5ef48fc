#pragma once

#include "engine/RunTrigger.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QTimeZone>

namespace jc {

using RunId = qint64;

// What is known about a run when it starts.
struct RunInfo
{
    RunId id = 0;
    QString job;
    RunTrigger trigger = RunTrigger::Scheduled;
    QDateTime occurrence; // the scheduled instant it belongs to (manual: when asked)
    QDateTime startedAt;
    int attempt = 1;
    bool dryRun = false;
    QString requestedBy; // OS user for manual runs; empty for the scheduler itself
    QString reason;      // the admin's "why", for manual runs
    // The zone of the job's schedule in force when the run started (after the admin's
    // overrides): the calendar a job's own periods follow. Invalid outside a scheduler.
    QTimeZone zone;
    // The instance running it (Scheduler::Options::instanceId). Its end is written only while
    // the row still names it: a run another instance took for dead and then took over (a
    // catch-up) is that instance's from then on. Empty: any holder (runs outside a scheduler).
    QString instanceId;
};

} // namespace jc

Q_DECLARE_METATYPE(jc::RunInfo)
