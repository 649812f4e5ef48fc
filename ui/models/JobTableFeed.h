#pragma once

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <chrono>

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
//  - every second it moves the model's clock, for the countdowns.
//
// Thread: GUI thread. The clock must outlive the feed.
class JobTableFeed : public QObject
{
    Q_OBJECT
public:
    JobTableFeed(JobTableModel *model, DatabaseReader *reader, const Clock &clock,
                 QObject *parent = nullptr);

    void connectScheduler(Scheduler *scheduler);
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

private:
    void poll();
    void request();
    void invalidate();

    JobTableModel *m_model;
    DatabaseReader *m_reader;
    const Clock &m_clock;
    QTimer m_poll;
    QTimer m_tick;
    quint64 m_ticket = 0;
    bool m_inFlight = false;
    QStringList m_instances;
};

} // namespace jc
