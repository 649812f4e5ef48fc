#pragma once

#include "common/RepeatedFailure.h"
#include "engine/LeaseRenewal.h"
#include "engine/RunJournal.h"

#include <QThreadPool>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace jc {

class RunState;

// The scheduler's side of the journal: the writes that do not belong to one body (heartbeats,
// leases, skipped and missed occurrences, runs given up on) run here, one at a time, on a
// thread of their own. A dedicated thread because a pool full of long bodies must never
// delay a heartbeat: a missed heartbeat makes other instances think this one died.
//
// A skipped occurrence that cannot be written (the database is down: the very outage that
// made a claim fail) is kept, up to maxUnrecorded, and written by the next piece of work
// that finds the database back, so that history shows every occurrence of the outage. They
// are written in order, so one the database refuses for good (not a lost connection) holds
// the others back until the instance stops, which logs how many were never written.
//
// Thread: created, used and destroyed on the scheduler's thread; the work runs on its own.
class SchedulerJournal
{
public:
    SchedulerJournal(std::shared_ptr<RunJournal> journal, QString instanceId, qint64 leaseMSecs);
    ~SchedulerJournal();

    const std::shared_ptr<RunJournal> &journal() const { return m_journal; }
    const QString &instanceId() const { return m_instanceId; }
    qint64 leaseMSecs() const { return m_leaseMSecs; }

    void recordSkipped(RunJournal::Skipped skipped);
    // A run the scheduler gave up on (abandoned): recorded with what it had logged.
    void recordAbandoned(std::shared_ptr<RunState> run, RunRecord record);
    // A run whose end the journal could not record (RunRecord::journalError: the database
    // went away as it ended): kept and written by the next heartbeat that gets through, so
    // that its row does not say `running` for ever (on its own host its holder lives, and no
    // lease runs out) and the occurrence's retry can take it up. Still refused while the
    // heartbeat gets through, it is refused for good (the row was marked otherwise meanwhile,
    // by another instance): dropped, with a warning.
    void keepEnd(const std::shared_ptr<RunState> &run, RunRecord record);
    // Refreshes the leases of `runs`, writes their new log lines, cancels those an admin
    // asked to cancel (anywhere), and marks other instances' dead runs interrupted. With
    // `unfinishedSince`, then reads the unfinished runs of scheduled occurrences started
    // since then (RunJournal::unfinishedSince) and hands them to the unfinished handler.
    void heartbeat(std::vector<std::shared_ptr<RunState>> runs, qint64 nowMSecs,
                   std::optional<qint64> unfinishedSince = std::nullopt);
    // Called on the journal's thread with what a heartbeat found (none: not called). Set
    // before the first heartbeat.
    using UnfinishedHandler = std::function<void(QList<RunJournal::UnfinishedRun>)>;
    void setUnfinishedHandler(UnfinishedHandler handler) { m_onUnfinished = std::move(handler); }
    // Called on the journal's thread for an occurrence skipped while its stored pause stood,
    // which the journal did not record because that pause had ended (RunJournal::SkipRecord::
    // PauseEnded): the job and the occurrence. Set before the first occurrence.
    using PauseEndedHandler = std::function<void(QString, qint64)>;
    void setPauseEndedHandler(PauseEndedHandler handler) { m_onPauseEnded = std::move(handler); }
    // Between heartbeats: shares the changed progress and the new log lines of `runs` and
    // cancels those an admin asked to cancel (RunJournal::shareLive), as they are when the work
    // runs; runs not claimed yet or ended are left out. At most one pass waits at a time (it
    // will share the newest anyway), and none is queued while the last heartbeat failed: with
    // the database slow or gone, passes queued faster than they end would hold the heartbeats
    // back. A failure is left to the next heartbeat.
    void shareLive(std::vector<std::shared_ptr<RunState>> runs, qint64 nowMSecs);
    // How the last heartbeat pass that completed went; nullopt before the first one ends.
    // Any thread (the metrics read it while the journal's thread writes it).
    std::optional<LeaseRenewal> lastLeaseRenewal() const;

    // Waits up to `msecs` for queued writes (shutdown).
    bool waitForIdle(int msecs);

    // How many skipped occurrences are kept while they cannot be written; beyond, the oldest
    // are dropped (and counted in a warning).
    static constexpr std::size_t maxUnrecorded = 10000;

private:
    void submit(std::function<void()> work);
    // On the journal's thread: writes what could not be written before, oldest first, until
    // one fails again.
    void recordUnrecorded();
    void keepUnrecorded(RunJournal::Skipped skipped);
    void notePauseEnded(const RunJournal::Skipped &skipped);
    // On the journal's thread: writes the kept ends; `reachable`: the heartbeat got through.
    void recordUnrecordedEnds(bool reachable);
    // Live runs as a write sends them (`runs`), each beside its state (`states[i]`).
    struct Live
    {
        std::vector<std::shared_ptr<RunState>> states;
        QList<RunJournal::LiveRun> runs;
    };
    static Live liveRuns(const std::vector<std::shared_ptr<RunState>> &runs, bool changedOnly);
    static void settle(const Live &live, const std::optional<QSet<qint64>> &written);
    static std::shared_ptr<RunState> runWithId(const std::vector<std::shared_ptr<RunState>> &runs,
                                               qint64 id);
    void findUnfinished(qint64 sinceMSecs, qint64 nowMSecs, qint64 leaseMSecs,
                        const QString &instanceId);
    // On the journal's thread, at the end of a heartbeat pass.
    void noteLeaseRenewal(qint64 nowMSecs, bool ok);

    std::shared_ptr<RunJournal> m_journal;
    QString m_instanceId;
    qint64 m_leaseMSecs;
    // Touched only by the work on m_pool's one thread; declared before m_pool, whose
    // destructor waits for that work.
    std::deque<RunJournal::Skipped> m_unrecorded;
    quint64 m_droppedUnrecorded = 0;
    std::deque<RunJournal::Finish> m_unrecordedEnds;
    std::atomic<bool> m_shareQueued{false};
    UnfinishedHandler m_onUnfinished;
    PauseEndedHandler m_onPauseEnded;
    RepeatedFailure m_repeatedFailures; // the heartbeat's steps, on the journal's thread
    mutable std::mutex m_renewalMutex;
    std::optional<LeaseRenewal> m_renewal; // guarded by m_renewalMutex
    QThreadPool m_pool;
};

} // namespace jc
