#include "storage/SqlRunJournal.h"

#include "common/IsoTime.h"
#include "storage/PauseStore.h"
#include "storage/RunClaims.h"
#include "storage/RunRows.h"
#include "storage/RunUpkeep.h"
#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <QDateTime>
#include <QUuid>

#include <algorithm>

namespace jc {

SqlRunJournal::SqlRunJournal(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

RunJournal::Claim SqlRunJournal::claim(const ClaimRequest &request)
{
    return RunClaims::claim(*m_connections, request);
}

QList<RunJournal::Claim> SqlRunJournal::claimAll(const QList<ClaimRequest> &requests)
{
    return RunClaims::claimAll(*m_connections, requests);
}

QList<Expected<void, QString>> SqlRunJournal::finishAll(const QList<Finish> &finishes)
{
    return RunUpkeep(*m_connections).finishAll(finishes);
}

Expected<RunJournal::LiveReply, QString>
SqlRunJournal::shareLive(const QList<LiveRun> &runs, qint64 nowMSecs, const QString &instanceId)
{
    return RunUpkeep(*m_connections).shareLive(runs, nowMSecs, instanceId);
}

Expected<RunJournal::HeartbeatReply, QString>
SqlRunJournal::heartbeat(const QList<LiveRun> &runs, qint64 nowMSecs, const QString &instanceId)
{
    return RunUpkeep(*m_connections).heartbeat(runs, nowMSecs, instanceId);
}

Expected<void, QString> SqlRunJournal::finish(qint64 storedRunId, const RunRecord &record,
                                              const QList<LogLine> &unwrittenLog, int firstLogSeq)
{
    return RunUpkeep(*m_connections).finish(storedRunId, record, unwrittenLog, firstLogSeq);
}

Expected<RunJournal::SkipRecord, QString> SqlRunJournal::recordSkipped(const Skipped &skipped)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    if (skipped.reason == SkipReason::Paused && skipped.whileStoredPauseStands) {
        const auto pause = PauseStore::storedOn(db.value(), skipped.job);
        if (!pause)
            return Unexpected(pause.error());
        if (!*pause || !(*pause)->isActiveAt(skipped.nowMSecs))
            return SkipRecord::PauseEnded;
    }
    const QDateTime occurrence = QDateTime::fromMSecsSinceEpoch(skipped.occurrenceMSecs, Qt::UTC);
    NewRunRow row;
    row.job = skipped.job;
    row.trigger = toText(RunTrigger::Scheduled);
    row.occurrenceMSecs = skipped.occurrenceMSecs;
    row.occurrenceKey = skipped.occurrenceKey;
    if (row.occurrenceKey.isEmpty()) // a key of its own: it never blocks a real run
        row.occurrenceKey = QStringLiteral("skipped:%1:%2")
                                .arg(occurrence.toString(Qt::ISODateWithMs),
                                     QUuid::createUuid().toString(QUuid::WithoutBraces));
    // Every scheduled occurrence that did not run is `missed`; the text says why (paused,
    // overlap, instance down, stopping) and missed_count how many it stands for.
    row.status = toText(RunOutcome::Missed);
    row.startedAtMSecs = skipped.nowMSecs;
    row.finishedAtMSecs = skipped.nowMSecs;
    row.attempts = 0;
    row.instanceId = skipped.instanceId;
    row.error = skipped.detail.isEmpty() ? QStringLiteral("Not run: %1").arg(toText(skipped.reason))
                                         : skipped.detail;
    row.reason = row.error;
    row.missedCount = std::max(1, skipped.count);
    row.skipReason = toText(skipped.reason);
    const auto inserted = RunRows::insert(db.value(), m_connections->dialect(), row);
    if (!inserted && !SqlErrors::isUniqueViolation(inserted.error(), m_connections->dialect())) {
        return Unexpected(QStringLiteral("Could not record the %1 occurrence of \"%2\" at %3: %4")
                              .arg(row.status, skipped.job, IsoTime::format(occurrence),
                                   SqlErrors::text(inserted.error())));
    }
    if (!inserted || !*inserted)
        qCDebug(lcStorage) << "occurrence" << row.occurrenceKey << "of" << skipped.job
                           << "was already recorded";
    return SkipRecord::Recorded;
}

Expected<int, QString> SqlRunJournal::interruptStale(qint64 nowMSecs, qint64 leaseMSecs,
                                                     const QString &ownInstanceId)
{
    return RunUpkeep(*m_connections).interruptStale(nowMSecs, leaseMSecs, ownInstanceId);
}

Expected<QList<RunJournal::UnfinishedRun>, QString>
SqlRunJournal::unfinishedSince(qint64 sinceMSecs, qint64 nowMSecs, qint64 leaseMSecs,
                               const QString &ownInstanceId)
{
    return RunUpkeep(*m_connections)
        .unfinishedSince(sinceMSecs, nowMSecs, leaseMSecs, ownInstanceId);
}

Expected<void, QString> SqlRunJournal::requestCancel(qint64 storedRunId, const QString &requestedBy,
                                                     qint64 nowMSecs)
{
    return RunUpkeep(*m_connections).requestCancel(storedRunId, requestedBy, nowMSecs);
}

} // namespace jc
