#pragma once

#include "common/Expected.h"
#include "storage/RunHistory.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace jc {

// A job that works per period names it in its runs' summaries ("period": the top-up's
// "2026-12"). Run again for a period a real run already did, it does only what that run left
// (the top-up grants only those not granted yet), and an admin running it by hand must know
// that before saying yes. PeriodRuns finds the run that did the period.
//
// Thread: any; reads on the calling thread's connection (RunHistory).
class PeriodRuns
{
public:
    // How many of the job's newest succeeded runs doneBy() looks at: a month's period is
    // done by one scheduled run and a few manual ones, so the run that did it is among them.
    static constexpr int scanned = 50;

    // The period `summary` names; empty when it names none.
    static QString periodOf(const QJsonObject &summary);

    // The newest run of `job` that did `period` for real (succeeded, not a dry run), or none.
    static Expected<std::optional<StoredRun>, QString>
    doneBy(const RunHistory &history, const QString &job, const QString &period);
};

} // namespace jc
