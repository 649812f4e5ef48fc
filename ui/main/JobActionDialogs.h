#pragma once

#include "engine/OverlapPolicy.h"
#include "main/ConsoleSetup.h"

#include <QObject>

class QWidget;

namespace jc {

class DatabaseReader;
class JobActions;
class JobOperations;
class JobTableModel;
class JobTableView;
struct JobOverview;

// What the job actions do when triggered, on the jobs table's current or selected jobs: ask
// the person what the action needs (Run now with its dry-run preview, the past occurrence to
// run, the pause's reason and end, whether to cancel), then hand it to JobOperations. Also
// opens the schedule preview and a run's details. Dialogs are children of `window`.
//
// Thread: GUI thread.
class JobActionDialogs : public QObject
{
    Q_OBJECT
public:
    JobActionDialogs(const ConsoleSetup &setup, JobTableModel *model, JobTableView *table,
                     JobOperations *operations, DatabaseReader *reader, QWidget *window);

    // Each action of `actions` triggers its function below.
    void connectTo(const JobActions &actions);

    void runNow();
    void runPastOccurrence();
    void pauseSelected();
    void resumeSelected();
    void cancelCurrent();
    void previewSchedule();
    // Opens the run's details (nothing for an id <= 0).
    void showRun(qint64 runId);

signals:
    // An action did not start: the window shows why.
    void failed(const QString &title, const QString &message);

private:
    const JobOverview *currentJob() const;
    OverlapPolicy overlapPolicyOf(const QString &job) const;

    ConsoleSetup m_setup;
    JobTableModel *m_model;
    JobTableView *m_table;
    JobOperations *m_operations;
    DatabaseReader *m_reader;
    QWidget *m_window;
};

} // namespace jc
