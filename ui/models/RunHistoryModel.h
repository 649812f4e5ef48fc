#pragma once

#include "engine/RunProgress.h"
#include "models/PagedRunModel.h"

#include <QHash>

#include <optional>

namespace jc {

// One job's runs for the history pane, newest first, paged (see PagedRunModel). Columns:
// trigger, occurrence, start, duration, outcome (icon and colour), who, summary.
//
// A running run is a row like the others, live: its outcome cell carries its progress
// (ItemRole::Progress, "running 40%"), its summary says how far it is, and its duration counts
// up with setNow(). The progress is the stored one (its instance writes it within 2 s) until
// setLiveProgress() gives a newer one (this console's own runs report every step).
//
// A running run whose holder no longer answers (RunLiveness at setNow()'s time; not this
// console's own runs, held by this process, always answer) reads as what it is: "not responding",
// red, its duration ending at its last heartbeat, the summary saying since when, the tooltip why;
// no progress bar.
//
// setJob() and setFilter() each start a new query (stale replies of the old one are dropped).
// Thread: GUI thread.
class RunHistoryModel : public PagedRunModel
{
    Q_OBJECT
public:
    enum Column { Trigger, Occurrence, Start, Duration, Outcome, Who, Summary, ColumnCount };

    explicit RunHistoryModel(DatabaseReader *reader, QObject *parent = nullptr);

    // The job whose runs to list; empty: none (the model is empty and reads nothing).
    void setJob(const QString &job);
    const QString &job() const { return m_job; }
    // Outcomes (empty: all) and started-at range [since, until) (invalid: open).
    void setFilter(const QList<RunOutcome> &outcomes, const QDateTime &since,
                   const QDateTime &until);

    // As PagedRunModel::slideSince(), remembered for the next job.
    void slideSince(const QDateTime &since);

    // The clock running durations count to (the console's, not the wall clock).
    void setNow(const QDateTime &now);
    // The newest progress of the running run `runId` (a stored id); kept until it has ended.
    void setLiveProgress(qint64 runId, const RunProgress &progress);
    // The newest heartbeat of the running run `runId` (a stored id), from a fresher read than
    // this model's page (the jobs table's): whether, and since when, it stopped answering.
    void setLiveHeartbeat(qint64 runId, const QDateTime &heartbeatAt);

protected:
    QStringList titles() const override;
    int outcomeColumn() const override { return Outcome; }
    QVariant display(const StoredRun &run, int column) const override;
    QVariant toolTip(const StoredRun &run, int column) const override;
    // The outcome cell's progress while running (ItemRole::Progress); the duration's alignment.
    QVariant otherData(const StoredRun &run, int column, int role) const override;
    RunOutcome shownOutcome(const StoredRun &run) const override;

private:
    void requery();
    RunProgress progressOf(const StoredRun &run) const;
    std::optional<QDateTime> silentSince(const StoredRun &run) const;
    void runningRowsChanged(int first, int last);

    QString m_job;
    QList<RunOutcome> m_outcomes;
    QDateTime m_since;
    QDateTime m_until;
    QDateTime m_now;
    QHash<qint64, RunProgress> m_live;
    QHash<qint64, QDateTime> m_heartbeats;
    struct Silence // silentSince()'s verdict at m_now, for the heartbeat it judged
    {
        QDateTime heartbeatAt;
        std::optional<QDateTime> since;
    };
    mutable QHash<qint64, Silence> m_silent;
};

} // namespace jc
