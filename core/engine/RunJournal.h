#pragma once

#include "common/Expected.h"
#include "engine/LogLine.h"
#include "engine/OverlapPolicy.h"
#include "engine/RunProgress.h"
#include "engine/RunRecord.h"
#include "engine/SkipReason.h"

#include <QList>
#include <QSet>
#include <QString>

namespace jc {

// Where the scheduler records what it does, so that every instance sharing a database agrees
// (ARCHITECTURE.md, decision 3). The storage layer implements it on SQLite and PostgreSQL.
//
// Thread: every member may be called from any thread, concurrently; the scheduler calls them
// from its pool's worker threads, never from its own thread (they wait on a database).
// Errors are values: a failed call returns a message saying what went wrong.
class RunJournal
{
public:
    struct ClaimRequest
    {
        RunInfo run;           // run.id is the scheduler's local id; ignore it for storage
        QString occurrenceKey; // see occurrenceKey() below
        OverlapPolicy overlap = OverlapPolicy::Skip;
        qint64 nowMSecs = 0; // the scheduler's clock (tests use a manual one)
        qint64 leaseMSecs = 60000;
        QString instanceId;
        // The process that will run it (ProcessIdentity::currentHolder()), so that any process
        // on the same host can tell at once when it is gone; empty: the lease alone decides.
        QString holder;
        // The holder's presence lock on PostgreSQL (InstancePresence::key()), so that a holder
        // whose database session ended is known dead from any host; 0: none.
        qint64 sessionLock = 0;
    };

    struct Claim
    {
        enum class Status {
            Claimed,        // the run row was inserted (or a retry re-opened it): run the body
            AlreadyClaimed, // a row for (job, occurrenceKey) exists: another instance has it
            Busy,           // overlap Skip and a live run of the job exists elsewhere; a
                            // 'skipped' row now holds the occurrence
            Paused,         // the job is paused in the database (from elsewhere, and this
                            // instance has not heard yet): a scheduled occurrence is recorded
                            // 'missed' (reason paused); a retry or catch-up simply waits
            Failed          // the database said no; message says why. Do not run the body.
        };
        Status status = Status::Failed;
        qint64 storedRunId = 0;
        QString message;
        // Claimed by re-opening a row (a retry, a catch-up taking over): its earlier
        // attempts' log lines are kept, and this run's are numbered from here.
        int firstLogSeq = 0;
    };

    // What a heartbeat refreshes, or a live pass shares, for one running run.
    struct LiveRun
    {
        qint64 storedRunId = 0;
        RunProgress progress;
        QList<LogLine> newLogLines; // lines not yet written, in order
        int firstLogSeq = 0;        // the seq of newLogLines.first()
        // Whether `progress` changed since the last live pass: shareLive() writes it only
        // then; the heartbeat writes it anyway.
        bool progressChanged = true;
    };

    // What a live pass learned, and what it wrote.
    struct LiveReply
    {
        QList<qint64> cancelRequested; // held here and running; an admin asked to cancel them
        QSet<qint64> shared;           // their changed progress and new lines are written
        QString writeError;            // why nothing was written (the cancels still stand)
    };

    // What a heartbeat learned about the runs it refreshed.
    struct HeartbeatReply
    {
        QList<qint64> cancelRequested; // an admin asked (from any instance) to cancel these
        // Runs this instance no longer holds: another instance took them for dead and marked
        // them interrupted (or their row is gone). They must stop (StopReason::LeaseLost).
        struct Lost
        {
            qint64 storedRunId = 0;
            QString why;
        };
        QList<Lost> lost;
    };

    // One run's end, for finishAll(): finish()'s arguments.
    struct Finish
    {
        qint64 storedRunId = 0;
        RunRecord record;
        QList<LogLine> unwrittenLog;
        int firstLogSeq = 0;
    };

    // A run of a scheduled occurrence (scheduled, catch-up or retry) that its instance will
    // not finish:
    //  - it ended `interrupted`: its instance died, was stopped, or lost its lease while alive;
    //  - it ended failed or timed out, and its instance is gone (no sign of life in
    //    jc_instances for a lease): a retry it had pending died with it, as did the restart
    //    that would have caught the occurrence up (killed during a retry's backoff, stopped for
    //    good, its host lost).
    // Unless a later occurrence has come due, the live instances catch it up (Scheduler), so
    // that the month of the top-up whose instance died is finished without waiting for a
    // restart.
    struct UnfinishedRun
    {
        QString job;
        qint64 occurrenceMSecs = 0;
        qint64 storedRunId = 0;
        qint64 startedAtMSecs = 0; // a catch-up taking the row over starts it anew
        RunOutcome outcome = RunOutcome::Interrupted;
        QString instanceId; // whose run it was
    };

    struct Skipped
    {
        QString job;
        qint64 occurrenceMSecs = 0; // the first skipped occurrence
        QString occurrenceKey;
        SkipReason reason = SkipReason::Overlap;
        int count = 1; // how many occurrences this row stands for (coalesced)
        qint64 nowMSecs = 0;
        QString instanceId;
        QString detail; // e.g. "instance was not running", "paused by alice: …"
        // Reason Paused: the pause is the database's (PauseStore), and the row is written only
        // while it stands at `nowMSecs` (see recordSkipped).
        bool whileStoredPauseStands = false;
    };

    // What recordSkipped did with an occurrence.
    enum class SkipRecord {
        Recorded,   // its row is written (or another instance's already was)
        PauseEnded, // not written: the stored pause it was skipped for no longer stands
    };

    virtual ~RunJournal() = default;

    // The key that makes an occurrence run once: scheduled, catch-up and retry runs use the
    // occurrence instant ("2026-12-01T00:00:00.000Z"); manual runs "manual:<uuid>".
    static QString occurrenceKey(const RunInfo &run);

    // Inserts the run's row (status running, heartbeat now) under the unique (job, key);
    // for a retry (run.trigger Retry, run.attempt n) re-opens the existing row of that key
    // when it ended failed or timed out after attempt n-1, so a retry also happens once; for
    // a catch-up, takes over the row of that key when it did not get done (missed, failed,
    // timed out, interrupted or abandoned; never one that succeeded, runs or was cancelled).
    // With overlap Skip, first checks that no other live run of the job exists (heartbeat
    // within the lease), atomically with the insert across instances. Any run but a manual or
    // backfill one is refused (Paused) while the job's pause in the database stands: a pause
    // committed an instant before the occurrence holds it, whether this instance has heard of
    // the pause yet or not.
    virtual Claim claim(const ClaimRequest &request) = 0;

    // claim() for each request, in order, with the same answers; the answer to requests[i] is
    // the result's [i]. A journal may decide several in one transaction (many runs due at one
    // instant), each exactly as claim() would. This default claims them one by one.
    virtual QList<Claim> claimAll(const QList<ClaimRequest> &requests);

    // Refreshes heartbeat and progress of runs held by `instanceId` and appends their new
    // log lines. Says which of `runs` an admin asked to cancel, and which this instance no
    // longer holds.
    virtual Expected<HeartbeatReply, QString> heartbeat(const QList<LiveRun> &runs, qint64 nowMSecs,
                                                        const QString &instanceId) = 0;

    // Between heartbeats, every few seconds (Scheduler::Options::liveShareInterval): says which
    // of `runs` an admin asked to cancel (from any console), so that a cancel takes effect
    // within seconds, and writes their changed progress and new log lines, for the consoles
    // watching from elsewhere. Only runs held by `instanceId` and running count; the others
    // are the heartbeat's to find out (a lost lease) and to write. Leases and the sweep of
    // dead instances stay the heartbeat's. The cancel requests are read before the write, and
    // stand when the write fails (writeError). Fails only when the read does. A row written
    // also gets `nowMSecs` as its heartbeat: the pass is a sign of life, and a run whose
    // instance dies then ends (its duration, "not responding since") within 2 s of its last
    // work, not up to a heartbeat interval (15 s) before it.
    virtual Expected<LiveReply, QString> shareLive(const QList<LiveRun> &runs, qint64 nowMSecs,
                                                   const QString &instanceId) = 0;

    // Records how a claimed run ended: outcome, finish time, error, summary, attempts and
    // the log lines not yet written (`unwrittenLog`, starting at seq `firstLogSeq`).
    virtual Expected<void, QString> finish(qint64 storedRunId, const RunRecord &record,
                                           const QList<LogLine> &unwrittenLog, int firstLogSeq) = 0;

    // finish() for each run, in order, with the same answers (result [i] for finishes[i]). A
    // journal may write several in one transaction. This default finishes them one by one.
    virtual QList<Expected<void, QString>> finishAll(const QList<Finish> &finishes);

    // Records scheduled occurrences that came due and did not run (paused, overlap,
    // coalesced while the instance was down or asleep) as one `missed` row saying why and
    // how many it stands for. An occurrence skipped `whileStoredPauseStands` is not written
    // once that pause has ended (PauseEnded): an admin resumed the job from elsewhere an instant
    // before, and this instance had not heard yet (it polls every few seconds); the
    // occurrence is then the scheduler's to run.
    virtual Expected<SkipRecord, QString> recordSkipped(const Skipped &skipped) = 0;

    // Marks 'interrupted' every running run whose heartbeat is older than the lease (their
    // instance died), and, when `ownInstanceId` is given, every running run of that instance
    // (left over from before a restart). Returns how many rows changed.
    virtual Expected<int, QString> interruptStale(qint64 nowMSecs, qint64 leaseMSecs,
                                                  const QString &ownInstanceId) = 0;

    // The unfinished runs of scheduled occurrences (see UnfinishedRun) that started at or
    // after `sinceMSecs`, in id order, as instance `ownInstanceId` sees them at `nowMSecs`:
    // its own failed runs are its to retry, and another instance is gone when it has not
    // announced itself for `leaseMSecs`. Cheap: the heartbeat of every instance asks it.
    virtual Expected<QList<UnfinishedRun>, QString>
    unfinishedSince(qint64 sinceMSecs, qint64 nowMSecs, qint64 leaseMSecs,
                    const QString &ownInstanceId) = 0;
};

} // namespace jc
