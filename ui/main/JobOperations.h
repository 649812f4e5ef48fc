#pragma once

#include "common/Expected.h"
#include "engine/RunInfo.h"
#include "engine/RunRequest.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <optional>

namespace jc {

class Clock;
class DatabaseReader;
class Scheduler;
struct JobOverview;

// What the console's actions do, through the same core classes jobctl uses (no scheduling
// rules here):
//  - Run now (and for a past occurrence): this console's scheduler (JobRuntime), which obeys
//    the job's overlap policy; refused in watch-only mode (there is no scheduler here).
//  - Pause / Resume: stored in the database (PauseStore), so every instance honours them,
//    then applied to this console's scheduler at once (its runtime would pick them up
//    within its poll interval anyway).
//  - Cancel: a run going on here is cancelled by the scheduler; one in another instance is
//    asked to stop through the database (SqlRunJournal::requestCancel), which it reads within
//    seconds (its live pass, RunJournal::shareLive).
// Database writes run off the GUI thread (DatabaseReader); their outcome comes back as
// succeeded() or failed() with a message for people.
//
// Thread: GUI thread. The clock and scheduler must outlive this object.
class JobOperations : public QObject
{
    Q_OBJECT
public:
    JobOperations(DatabaseReader *reader, Scheduler *scheduler, const Clock &clock, QString user,
                  QObject *parent = nullptr);

    bool runsJobsHere() const { return m_scheduler != nullptr; }
    Scheduler *scheduler() const { return m_scheduler; }
    const QString &user() const { return m_user; }

    // The new run's id (0: queued behind a running one), or why it did not start. With an
    // `occurrence`, a backfill: the job runs as that past occurrence of its schedule (the
    // scheduler refuses an instant that is not one, naming the nearest).
    Expected<RunId, QString> runNow(const QString &job, bool dryRun, const QString &reason,
                                    const QDateTime &occurrence = {});
    void pause(const QString &job, const QString &reason, const std::optional<QDateTime> &resumeAt);
    void resume(const QString &job);
    void cancel(const JobOverview &job);

signals:
    void succeeded(const QString &message);
    void failed(const QString &message);
    // A cancel was asked of a run of `job`: the status bar says so until the run has ended.
    void cancelling(const QString &job);

private:
    void write(const QString &done, std::function<Expected<void, QString>()> work,
               std::function<void()> then = {});

    DatabaseReader *m_reader;
    Scheduler *m_scheduler;
    const Clock &m_clock;
    QString m_user;
};

} // namespace jc
