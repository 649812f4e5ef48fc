#pragma once

#include "engine/LogLine.h"
#include "engine/RunInfo.h"
#include "engine/RunOutcome.h"
#include "engine/RunProgress.h"

#include <QJsonObject>
#include <QList>

namespace jc {

// A run that has ended: what started it, how it ended, and what it wrote.
struct RunRecord
{
    RunInfo info;
    qint64 storedRunId = 0; // the journal's id (0: not recorded in a database)
    QDateTime finishedAt;
    RunOutcome outcome = RunOutcome::Running;
    QString error;
    QJsonObject summary;
    RunProgress progress; // the last progress the body reported, kept with the ended run
    QList<LogLine> log;
    int droppedLogLines = 0;
    // Set when the journal could not record how the run ended (the database went away, or
    // another instance had already marked the run interrupted): the database then disagrees
    // with this record, and whoever shows it must say so.
    QString journalError;
    // An admin of this process asked to cancel it (Scheduler::cancel): who and when, for its
    // row as a request made from elsewhere is kept there. Empty/invalid otherwise.
    QString cancelRequestedBy;
    QDateTime cancelRequestedAt;

    [[nodiscard]] qint64 durationMSecs() const { return info.startedAt.msecsTo(finishedAt); }
};

} // namespace jc

Q_DECLARE_METATYPE(jc::RunRecord)
