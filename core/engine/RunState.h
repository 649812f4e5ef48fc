#pragma once

#include "engine/JobResult.h"
#include "engine/LogLine.h"
#include "engine/RunInfo.h"
#include "engine/RunProgress.h"
#include "engine/RunRecord.h"
#include "engine/StopToken.h"

#include <QList>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

namespace jc {

class SchedulerMailbox;

// What the scheduler and the worker running one body share. The scheduler owns the
// StopSource and reads; the worker writes progress, log lines and, once, the result.
// Every member function is thread-safe.
class RunState
{
public:
    static constexpr int defaultLogLimit = 10000;

    // Why a run never reached its body: the journal refused the claim.
    struct Refusal
    {
        enum class Kind { ClaimedElsewhere, BusyElsewhere, PausedElsewhere, StorageFailed };
        Kind kind;
        QString message;
    };

    // The mailbox is told (on the worker thread) whenever something changed that the
    // scheduler should look at (progress, completion), and gives the time. Null: nobody is
    // told and the system clock is used (tests of RunState alone). `timeout` is the job's,
    // for the words of a timed-out run's error.
    RunState(RunInfo info, std::shared_ptr<SchedulerMailbox> mailbox,
             std::chrono::milliseconds timeout = {}, int logLimit = defaultLogLimit);

    const RunInfo &info() const { return m_info; }
    qint64 nowMSecs() const;
    StopSource &stopSource() { return m_stop; }
    const StopSource &stopSource() const { return m_stop; }

    // The journal's id for this run once claimed; 0 before, or without a journal.
    qint64 storedRunId() const { return m_storedRunId.load(); }
    // The id people see for this run, in log lines as in the console and `jobctl`: the
    // journal's once claimed, else the scheduler's own (a scheduler without a journal).
    qint64 shownId() const
    {
        const qint64 stored = storedRunId();
        return stored != 0 ? stored : m_info.id;
    }
    void setStoredRunId(qint64 id) { m_storedRunId.store(id); }
    // Why the journal could not record the end of this run (RunRecord::journalError).
    void setJournalError(const QString &error);
    // The journal says this run is no longer held by its instance (`why`): asks it to stop
    // (StopReason::LeaseLost) and says so in its log. The first stop request still wins.
    void loseLease(const QString &why);
    // An admin of this process asks to stop it (StopReason::Cancelled), `by` (may be empty):
    // says so in its log and keeps who and when for its record. False when a stop was
    // requested already (that reason stays the one recorded).
    bool requestCancel(const QString &by);

    void setProgress(const RunProgress &progress);
    RunProgress progress() const;
    // True once per change: the scheduler emits one progress signal per notification.
    bool takeProgressChanged() { return m_progressChanged.exchange(false); }
    // True once per change for the journal's live pass (RunJournal::shareLive), which writes
    // a progress only when it changed since the pass before.
    bool takeProgressUnshared() { return m_progressUnshared.exchange(false); }
    // A write of the progress taken above failed: the next pass writes it.
    void keepProgressUnshared() { m_progressUnshared.store(true); }

    void appendLog(LogLine line);
    QList<LogLine> logLines() const;
    int droppedLogLines() const;
    // The lines the journal has not confirmed yet, and the seq of the first of them. Every
    // writer (heartbeat, live pass, the run's end) sends these and confirms them once written
    // (confirmLog): a write that failed leaves them to the next, and the end of a run always
    // sends every line not confirmed, even those a pass still has in flight. A line sent
    // twice is kept once (RunLogBatch).
    QList<LogLine> unconfirmedLog(int *firstSeq) const;
    // The journal holds this run's lines before seq `endSeq`.
    void confirmLog(int endSeq);
    // The seq of this run's first log line in the journal (after a re-opened row's lines).
    // Set once, when claimed, before any line is taken.
    void setFirstLogSeq(int seq);

    // The worker's side of the end, in two steps so that the run can be written to the
    // journal between them: complete() keeps the result, publish() tells the scheduler.
    void complete(JobResult result);
    void refuse(Refusal refusal);
    void publish();
    void finish(JobResult result)
    {
        complete(std::move(result));
        publish();
    }

    bool isFinished() const { return m_finished.load(); }
    std::optional<JobResult> result() const;
    std::optional<Refusal> refusal() const;

    // The record of a completed run: the outcome follows from the result and from why a
    // stop was requested (timed out, cancelled, shut down).
    RunRecord record() const;
    // The record of a run given up on without its result.
    RunRecord recordWithoutResult(RunOutcome outcome, const QString &error) const;

private:
    RunRecord baseRecord() const;

    const RunInfo m_info;
    const std::shared_ptr<SchedulerMailbox> m_mailbox;
    const std::chrono::milliseconds m_timeout;
    const int m_logLimit;
    StopSource m_stop;
    QString m_lostLease;        // under m_mutex
    QString m_cancelBy;         // under m_mutex
    qint64 m_cancelAtMSecs = 0; // under m_mutex; 0: no cancel asked here
    std::atomic<qint64> m_storedRunId{0};

    mutable std::mutex m_mutex;
    RunProgress m_progress;
    QList<LogLine> m_log;
    int m_logConfirmed = 0; // lines before this index are in the journal
    int m_firstLogSeq = 0;
    int m_droppedLogLines = 0;
    QString m_journalError;
    std::optional<JobResult> m_result;
    std::optional<Refusal> m_refusal;
    qint64 m_finishedAt = 0;
    std::atomic<bool> m_progressChanged{false};
    std::atomic<bool> m_progressUnshared{false};
    std::atomic<bool> m_finished{false};
};

} // namespace jc
