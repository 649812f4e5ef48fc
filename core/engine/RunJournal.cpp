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

QList<RunJournal::Claim> RunJournal::claimAll(const QList<ClaimRequest> &requests)
{
    QList<Claim> claims;
    claims.reserve(requests.size());
    for (const ClaimRequest &request : requests)
        claims.append(claim(request));
    return claims;
}

QList<Expected<void, QString>> RunJournal::finishAll(const QList<Finish> &finishes)
{
    QList<Expected<void, QString>> results;
    results.reserve(finishes.size());
    for (const Finish &end : finishes)
        results.append(finish(end.storedRunId, end.record, end.unwrittenLog, end.firstLogSeq));
    return results;
}

} // namespace jc
