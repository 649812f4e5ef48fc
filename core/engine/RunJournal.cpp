#include "engine/RunJournal.h"

#include <QUuid>

namespace jc {

QString RunJournal::occurrenceKey(const RunInfo &run)
{
    if (run.trigger == RunTrigger::Manual)
        return QStringLiteral("manual:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    return run.occurrence.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace jc
