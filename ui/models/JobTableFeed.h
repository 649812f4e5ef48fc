#pragma once

#include "schedule/Schedule.h"
#include "schedule/ScheduleTimeline.h"
#include "storage/RunHistory.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimeZone>
#include <QTimer>

#include <chrono>
#include <optional>

namespace jc {

class Clock;
class DatabaseReader;
class JobTableModel;
class Scheduler;

// Keeps a JobTableModel current:
//  - every `interval` (and on refreshNow()) it reads the runs and pauses of every instance
//    from the database through the DatabaseReader, off the GUI thread; a reply older than
//    the latest request is dropped (ticket counter), and a tick while a read is still out is
//    skipped, so a slow database never piles up reads;
//  - when this console runs jobs, the scheduler's signals update the rows at once (live
//    progress), and each of them makes replies already in flight stale (they were read
//    before the change);
//  - every second it moves the model's clock, for the countdowns;
//  - with followStoredSettings(), each read brings the jobs' settings stored in the database
//    too (`jobctl set`, any console's Settings), and when they changed the catalog's jobs are
//    rebuilt as every scheduler rebuilds them (JobCatalog) and the rows take their schedules:
//    every open console shows a change within one read, watch-only ones too.
//
// Thread: GUI thread. The clock must outlive the feed.
class JobTableFeed : public QObject
{
    Q_OBJECT
public:
    JobTableFeed(JobTableModel *model, DatabaseReader *reader, const Clock &clock,
                 QObject *parent = nullptr);

    void connectScheduler(Scheduler *scheduler);
    // The catalog's jobs among the rows follow their stored settings, built in `zone` (the
    // zone the console configured them in). Rows of other jobs keep their schedules.
    void followStoredSettings(const QTimeZone &zone);
    void setInterval(std::chrono::milliseconds interval) { m_poll.setInterval(interval); }
    void start();
    // Reads now (the answers to earlier reads are dropped).
    void refreshNow();

    // Instances that recorded runs during the last hour (this one included once it did).
    const QStringList &instancesSeen() const { return m_instances; }

signals:
    // A snapshot was applied (also after a failed read: `ok` false).
    void refreshed(bool ok);
    void instancesSeenChanged(const QStringList &instances);
    // A read found the stored job settings changed since the one before (not the first).
    void storedSettingsChanged();

private:
    void poll();
    void request();
    void invalidate();
    void applySettings(const std::optional<QHash<QString, QJsonObject>> &stored,
                       const QHash<QString, Schedule> &schedules,
                       const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlierSchedules);

    JobTableModel *m_model;
    DatabaseReader *m_reader;
    const Clock &m_clock;
    QTimer m_poll;
    QTimer m_tick;
    quint64 m_ticket = 0;
    bool m_inFlight = false;
    QStringList m_instances;
    std::optional<QTimeZone> m_settingsZone;             // set: follow the stored settings
    std::optional<QHash<QString, QJsonObject>> m_stored; // as last applied
    // The run answers as last read, their mark and when (clock ms): a poll whose mark is the
    // same, with no run running, reads no run answer again (RunHistory::mark).
    struct RunAnswers
    {
        RunsMark mark;
        qint64 readAtMSecs = 0;
        QHash<QString, StoredRun> latest;
        QHash<QString, QDateTime> successes;
        QHash<QString, QDateTime> lastOccurrences;
    };
    std::optional<RunAnswers> m_runs;
};

} // namespace jc
