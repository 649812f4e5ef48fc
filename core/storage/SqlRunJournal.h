#pragma once

#include "common/Expected.h"
#include "engine/RunJournal.h"
#include "storage/ConnectionFactory.h"

#include <QString>

#include <memory>

namespace jc {

// The run journal on the app database (jc_runs, jc_run_logs), for SQLite, PostgreSQL and
// MySQL/MariaDB.
// Made of parts: RunClaims (the claim), RunUpkeep (heartbeats, finishing, cancel requests,
// the sweep of dead instances' runs), RunRows (the row reads and writes they share) and
// RunLogBatch (log lines).
//
// Thread: any member from any thread, concurrently. Each call uses the calling thread's own
// connection from the factory and holds none between calls.
//
// Exactly once across instances: every write that decides who runs what happens in one
// transaction that first serialises the writers of the job:
//  - SQLite: BEGIN IMMEDIATE (the database's single write lock, taken up front, so two
//    connections never both read "free" and then both write);
//  - PostgreSQL: pg_advisory_xact_lock(hashtext('jc.job:' || job)) inside the transaction,
//    so instances claiming occurrences of one job queue while other jobs go on.
// The unique (job_name, occurrence_key) key stays the final word: an insert that finds the
// key taken inserts nothing (ON CONFLICT DO NOTHING) and the claim is AlreadyClaimed.
//
// Rows it writes (see MigrationCatalog, version 3):
//  - a claimed run: status running, started_at_ms = heartbeat_at_ms = now;
//  - a skipped or missed occurrence: status skipped/missed, trigger scheduled (or the
//    trigger of a refused claim), started_at_ms = finished_at_ms = now, attempts 0,
//    missed_count, and why it did not run in `error` (what the error log and its search
//    show) and in `reason` (unless a manual request brought its own reason).
class SqlRunJournal final : public RunJournal
{
public:
    explicit SqlRunJournal(std::shared_ptr<ConnectionFactory> connections);

    Claim claim(const ClaimRequest &request) override;
    // Many claims per transaction on SQLite and PostgreSQL (RunClaims::claimAll).
    QList<Claim> claimAll(const QList<ClaimRequest> &requests) override;
    Expected<LiveReply, QString> shareLive(const QList<LiveRun> &runs, qint64 nowMSecs,
                                           const QString &instanceId) override;
    Expected<HeartbeatReply, QString> heartbeat(const QList<LiveRun> &runs, qint64 nowMSecs,
                                                const QString &instanceId) override;
    // Also refuses when the row is no longer running this attempt (another instance marked it
    // interrupted, or a retry re-opened it) or names another instance (one that took it for
    // dead took it over, a catch-up): the error names the row's status. The log lines are
    // written even then, as they say what really happened, except on a row taken over, where
    // the new run's lines are numbered now. The progress of the last
    // heartbeat is kept: it tells how far a failed or cancelled run got.
    Expected<void, QString> finish(qint64 storedRunId, const RunRecord &record,
                                   const QList<LogLine> &unwrittenLog, int firstLogSeq) override;
    // Many runs' ends per transaction (RunUpkeep::finishAll).
    QList<Expected<void, QString>> finishAll(const QList<Finish> &finishes) override;
    // Paused, Overlap, Stopping, ClaimedElsewhere: status skipped; Coalesced: missed. An empty
    // key becomes "skipped:<occurrence>:<uuid>", which never blocks a real run. A row already
    // holding the key (another instance recorded it, or ran it) is not an error.
    Expected<SkipRecord, QString> recordSkipped(const Skipped &skipped) override;
    Expected<int, QString> interruptStale(qint64 nowMSecs, qint64 leaseMSecs,
                                          const QString &ownInstanceId) override;
    // Indexed by status and start (ix_jc_runs_status_started).
    Expected<QList<UnfinishedRun>, QString> unfinishedSince(qint64 sinceMSecs, qint64 nowMSecs,
                                                            qint64 leaseMSecs,
                                                            const QString &ownInstanceId) override;

    // Asks the instance running `storedRunId` to cancel it: sets cancel_requested_at_ms/by,
    // which its next heartbeat reads. Only a running run can be asked; a second request keeps
    // the first one's time and name and still succeeds. Errors name the run's status, or
    // say that it does not exist.
    Expected<void, QString> requestCancel(qint64 storedRunId, const QString &requestedBy,
                                          qint64 nowMSecs);

private:
    std::shared_ptr<ConnectionFactory> m_connections;
};

} // namespace jc
