#pragma once

#include <QDateTime>
#include <QString>

namespace jc {

// An admin's "run it now".
struct RunRequest
{
    bool dryRun = false;
    QString requestedBy; // the OS user
    QString reason;
    // A backfill: run the job as this past occurrence of its schedule (the top-up grants
    // that occurrence's month). Invalid: an ordinary manual run, whose occurrence is now.
    QDateTime occurrence = {};
};

} // namespace jc
