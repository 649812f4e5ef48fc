#pragma once

#include "common/Expected.h"
#include "engine/RunJournal.h"
#include "storage/ConnectionFactory.h"
#include "storage/SqlStatement.h"

#include <QSet>
#include <QString>

namespace jc {

class RunLogBatch;

// What SqlRunJournal does for runs once they are claimed: heartbeats (leases, new log lines,
// cancel requests), the end of a run, cancel requests, and the sweep that marks the runs of
// dead instances interrupted. The contracts are SqlRunJournal's (and RunJournal's).
//
// Holds only the factory; any member from any thread, concurrently, each on the calling
// thread's connection.
class RunUpkeep
{
public:
    explicit RunUpkeep(ConnectionFactory &connections);

    Expected<RunJournal::HeartbeatReply, QString>
    heartbeat(const QList<RunJournal::LiveRun> &runs, qint64 nowMSecs, const QString &instanceId);
    Expected<RunJournal::LiveReply, QString> shareLive(const QList<RunJournal::LiveRun> &runs,
                                                       qint64 nowMSecs, const QString &instanceId);
    Expected<void, QString> finish(qint64 storedRunId, const RunRecord &record,
                                   const QList<LogLine> &unwrittenLog, int firstLogSeq);
    // RunJournal::finishAll: up to maxFinishesPerTransaction runs' ends in one transaction,
    // each written as finish() would (a refused outcome is that run's answer, the others
    // still commit). When the transaction fails, its runs are finished again one by one.
    QList<Expected<void, QString>> finishAll(const QList<RunJournal::Finish> &finishes);
    static constexpr qsizetype maxFinishesPerTransaction = 250;

    Expected<int, QString> interruptStale(qint64 nowMSecs, qint64 leaseMSecs,
                                          const QString &ownInstanceId);
    Expected<QList<RunJournal::UnfinishedRun>, QString>
    unfinishedSince(qint64 sinceMSecs, qint64 nowMSecs, qint64 leaseMSecs,
                    const QString &ownInstanceId);
    Expected<void, QString> requestCancel(qint64 storedRunId, const QString &requestedBy,
                                          qint64 nowMSecs);

private:
    static std::optional<QString> refreshLeases(QSqlDatabase &db,
                                                const QList<RunJournal::LiveRun> &runs,
                                                qint64 nowMSecs, const QString &instanceId,
                                                RunLogBatch *log,
                                                QList<RunJournal::HeartbeatReply::Lost> *lost);
    std::optional<QList<Expected<void, QString>>>
    finishTogether(const QList<RunJournal::Finish> &finishes);
    static QString idMarks(const QList<RunJournal::LiveRun> &runs, SqlStatement::Values *ids);
    static Expected<QList<qint64>, QString> cancelRequested(QSqlDatabase &db,
                                                            const QList<RunJournal::LiveRun> &runs);
    // The rows a live pass reads (see shareLive()).
    struct HeldRows
    {
        QSet<qint64> ids;              // held by the instance and running
        QList<qint64> cancelRequested; // of those, the ones an admin asked to cancel
    };
    static Expected<HeldRows, QString> heldRows(QSqlDatabase &db, SqlDialect dialect,
                                                const QList<RunJournal::LiveRun> &runs,
                                                const QString &instanceId, bool forWrite);
    Expected<QSet<qint64>, QString> writeLive(QSqlDatabase &db,
                                              const QList<RunJournal::LiveRun> &runs,
                                              qint64 nowMSecs, const QString &instanceId);
    static std::optional<QString> writeHeld(QSqlDatabase &db, SqlDialect dialect,
                                            const QList<RunJournal::LiveRun> &runs,
                                            const QSet<qint64> &held, qint64 nowMSecs,
                                            const QString &instanceId);
    // Why an end was not written: `takenOver` when another instance runs the row now.
    struct EndRefusal
    {
        QString why;
        bool takenOver = false;
    };
    // Writes the run's outcome on its running row, finished at the record's time (now when it
    // has none), while the row names the run's instance (RunInfo::instanceId). The value is a
    // refusal when the row no longer runs this attempt (it says why), else nullopt; the error
    // is the database's.
    static Expected<std::optional<EndRefusal>, QString>
    recordEnd(QSqlDatabase &db, qint64 storedRunId, const RunRecord &record);
    static std::optional<QString> addOwnAccount(QSqlDatabase &db, qint64 runId,
                                                const RunRecord &record, qint64 finishedAtMSecs);
    static std::optional<QString> interruptLeftOver(QSqlDatabase &db, SqlDialect dialect,
                                                    qint64 nowMSecs, qint64 leaseMSecs,
                                                    const QString &ownInstanceId, int *count);

    ConnectionFactory &m_connections;
};

} // namespace jc
