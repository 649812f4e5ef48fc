#include "engine/RunJournal.h"

#include <QUuid>

namespace jc {

QString RunJournal::occurrenceKey(const RunInfo &run)
{
    if (run.trigger == RunTrigger::Manual)
        return QStringLiteral("manual:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    // A backfill may run an occurrence that already has its row (it ran, or failed): a key
    // of its own. The job's own key (the top-up's per user and period) keeps it from doing
    // the work twice.
    if (run.trigger == RunTrigger::Backfill)
        return QStringLiteral("backfill:%1:%2")
            .arg(run.occurrence.toUTC().toString(Qt::ISODateWithMs),
                 QUuid::createUuid().toString(QUuid::WithoutBraces));
    return run.occurrence.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace jc
