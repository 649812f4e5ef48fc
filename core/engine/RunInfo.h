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
};

} // namespace jc

Q_DECLARE_METATYPE(jc::RunInfo)
