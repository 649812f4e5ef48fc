#pragma once

#include "engine/RunRecord.h"
#include "jobs/JobsAtAGlance.h"
#include "models/ItemRoles.h"
#include "models/JobOverview.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>

namespace jc {

// The jobs table: one row per registered job (the rows are fixed by setJobs()), its columns
// derived from JobOverview. Facts arrive from two feeds and are merged per job:
//  - applyStored(): a snapshot of the database (every instance's runs and pauses);
//  - applyRunStarted/Progress/Finished(), applyScheduled(): this console's scheduler, live;
//  - applySchedule(), applyEarlierSchedules(): the job's stored settings changed its schedule.
// setNow() moves the clock the countdowns and running durations are computed from.
//
// runEnded() is emitted once per run that ends (by id), from either feed, after the first
// snapshot: what the tray notifies about.
//
// Thread: GUI thread.
class JobTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, State, ScheduleColumn, LastRun, NextRun, LastSuccess, ColumnCount };
    enum Role {
        JobNameRole = Qt::UserRole + 1,
        StateRole, // JobOverview::State as int
        SortRole,  // a value that sorts the column in its natural order
        // QVariantList{done, total} on the State cell while running, else invalid
        ProgressRole = ItemRole::Progress,
    };

    // `now`: the console clock's instant until the first setNow() (JobTableFeed keeps it).
    explicit JobTableModel(const QDateTime &now, QObject *parent = nullptr);

    // The jobs, in the order to show them; name, description and schedule are taken.
    void setJobs(const QList<JobOverview> &jobs);
    void setNow(const QDateTime &now);
    const QDateTime &now() const { return m_now; }

    // `lastOccurrences`: per job, the newest occurrence the scheduler dealt with
    // (RunHistory::lastOccurrencePerJob), for JobHealth's "overdue".
    void applyStored(const QHash<QString, StoredRun> &latest,
                     const QHash<QString, QDateTime> &successes,
                     const QHash<QString, PauseState> &pauses,
                     const QHash<QString, QDateTime> &lastOccurrences = {});
    void applyRunStarted(const RunInfo &run);
    void applyRunProgress(RunId run, qint64 done, qint64 total, const QString &text);
    void applyRunFinished(const RunRecord &record);
    void applyScheduled(const QString &job, const QDateTime &next);
    void applyPause(const QString &job, const std::optional<PauseState> &pause);
    // The job's schedule changed (its stored settings did): the Schedule column, the next run
    // when this console does not schedule it, and what Preview schedule shows follow it.
    void applySchedule(const QString &job, const Schedule &schedule);
    // The schedules each job followed before its current one (ScheduleChangeLog::read); a
    // job absent from `earlier` followed its current one throughout.
    void applyEarlierSchedules(const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlier);

    int rowOf(const QString &job) const;
    const JobOverview &jobAt(int row) const { return m_jobs.at(row); }
    const JobOverview *job(const QString &name) const;
    QStringList jobNames() const;
    // Every job at a glance, now (JobsAtAGlance): for the header above the table, the window
    // title and the tray icon.
    JobsAtAGlance glance() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    // A run stored as running that this model had not seen (here or in another instance),
    // also one already running when the first snapshot arrives.
    void runBegan(const jc::StoredRun &run);
    void runEnded(const jc::StoredRun &run);

private:
    void rowChanged(int row);
    void noteBegan(const std::optional<StoredRun> &before, const StoredRun &after);
    // Emits runEnded for `after` unless `before` already was that ending. `endedHere`: seen
    // ending by this console's scheduler, news even before the first snapshot arrived.
    void noteEnded(const std::optional<StoredRun> &before, const StoredRun &after,
                   bool endedHere = false);
    QVariant display(const JobOverview &job, int column) const;
    QVariant toolTip(const JobOverview &job, int column) const;
    QVariant sortValue(const JobOverview &job, int column) const;
    QVariant foreground(const JobOverview &job, int column) const;
    QString stateText(const JobOverview &job) const;
    QString lastRunText(const JobOverview &job) const;
    QString nextRunText(const JobOverview &job) const;

    QList<JobOverview> m_jobs;
    QDateTime m_now;
    bool m_loaded = false; // a first snapshot arrived: from then on, endings are news
};

} // namespace jc
