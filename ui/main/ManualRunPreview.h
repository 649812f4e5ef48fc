#pragma once

#include "engine/RunInfo.h"
#include "storage/RunHistory.h"

#include <QObject>
#include <QString>

#include <optional>

namespace jc {

class DatabaseReader;
class Scheduler;
struct RunRecord;

// The dry run that a job moving money gets before it is run by hand (CatalogEntry::
// previewManualRuns): started in this console's scheduler as a manual dry run (kept in the
// history, by the user, with its reason), followed to its end, and then the run that already
// did the period it names, if any (PeriodRuns). Cancelled when the admin decides before it
// ends. GUI thread.
class ManualRunPreview : public QObject
{
    Q_OBJECT
public:
    ManualRunPreview(Scheduler *scheduler, DatabaseReader *reader, QString job, QString user,
                     QObject *parent = nullptr);
    // Stops the dry run if it has not ended: nobody waits for its figures any more.
    ~ManualRunPreview() override;

    // Starts the dry run; its result comes as finished() or unavailable().
    void start();
    bool hasEnded() const { return m_ended; }

signals:
    void progressed(qint64 done, qint64 total);
    // The dry run ended: what the job would do, in words, or why the dry run failed.
    void finished(const QString &result, bool succeeded);
    // `run` already did `period` for real: running again does only what it left.
    void alreadyDone(const jc::StoredRun &run, const QString &period);
    // Whether a run already did the period could not be read (`why`): the admin is asked
    // again as if one had.
    void earlierRunUnknown(const QString &period, const QString &why);
    // No dry run: it did not start or another instance refused it (`why`).
    void unavailable(const QString &why);

private:
    void onFinished(const RunRecord &record);
    void findEarlierRun(const QString &period);

    Scheduler *m_scheduler;
    DatabaseReader *m_reader;
    const QString m_job;
    const QString m_user;
    RunId m_run = 0;
    bool m_ended = false;
};

} // namespace jc
