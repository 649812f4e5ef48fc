#pragma once

#include "alerts/Alert.h"
#include "common/Expected.h"
#include "engine/RunRecord.h"
#include "storage/ConnectionFactory.h"

#include <QJsonObject>
#include <QString>

#include <memory>

namespace jc {

// The alerts on record (jc_alerts) and what deciding one needs from the runs. An alert is
// claimed as an occurrence is: the first instance to record its event (Alert::eventKey(),
// unique in the table) sends it, every other one learns that it is on record and stays
// quiet; so three `serve` instances that see the same missed occurrence post it once.
//
// Thread: any, each call on the calling thread's connection (ConnectionFactory); calls block
// on the database, so the scheduler's thread never makes them (AlertMonitor's pool does).
class AlertStore
{
public:
    explicit AlertStore(std::shared_ptr<ConnectionFactory> connections);

    // The job's failures in a row just before run `runId` (AlertDecision::isFailure), newest
    // first back to its last success, counting only runs AlertDecision::countsInStreak and at
    // most `limit`.
    Expected<int, QString> failuresBefore(const QString &job, qint64 runId, int limit) const;

    // Records `alert` unless its event is on record already: true when this call recorded
    // it (the caller sends it), false when it was on record (sent by whoever recorded it).
    [[nodiscard]] Expected<bool, QString> claim(const Alert &alert) const;

    // `job`'s runs that ended interrupted or abandoned at or after `sinceMSecs`, as records
    // AlertDecision judges (no log): the runs of instances that died, which whoever found
    // them marked in the database and no scheduler saw end. One seek per outcome on
    // ix_jc_runs_job_status_finished.
    Expected<QList<RunRecord>, QString> interruptedSince(const QString &job,
                                                         qint64 sinceMSecs) const;

    // `job`'s runs going on, on any instance (no log; storedRunId, occurrence, start, dry run).
    Expected<QList<RunRecord>, QString> running(const QString &job) const;
    // How long `job`'s latest `limit` real successful runs took, newest first.
    Expected<QList<qint64>, QString> recentDurations(const QString &job, int limit) const;

    // The alerts on record, newest first (the console, tests).
    [[nodiscard]] Expected<QList<Alert>, QString> latest(int limit) const;

private:
    std::shared_ptr<ConnectionFactory> m_connections;
};

} // namespace jc
