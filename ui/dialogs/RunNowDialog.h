#pragma once

#include "engine/OverlapPolicy.h"
#include "schedule/Schedule.h"
#include "storage/RunHistory.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace jc {

// Asks before a manual run: an optional reason (stored with the run), a dry-run choice, and,
// when the job is running now (here or in another instance), what its overlap policy will do
// with this request. Only asks: the main window starts the run after exec() accepts.
//
// For a job that moves money (CatalogEntry::previewManualRuns) the main window calls
// expectPreview() and then feeds in its dry run (ManualRunPreview): the dialog shows the
// dry run's progress, then what the run would do in figures, and Run stays off until then.
// When a run already did the period, it says so and confirmWhenDoneBefore() asks again.
//
// objectNames for tests: reasonEdit, dryRunCheck, overlapWarning, runButton, previewLabel,
// previewProgress, alreadyDoneLabel.
class RunNowDialog : public QDialog
{
    Q_OBJECT
public:
    // `now` is the console's clock's: the next scheduled run is shown after it.
    RunNowDialog(const QString &job, const Schedule &schedule, const QDateTime &now,
                 bool runningElsewhere, OverlapPolicy policy, QWidget *parent = nullptr);

    QString reason() const; // trimmed; empty when none given
    bool dryRun() const;

    // What the overlap policy does to a manual run while one is running, for the warning.
    static QString overlapWarning(const QString &job, OverlapPolicy policy);

    // The run waits for a dry run's figures: Run is off, the dry-run choice gone (the
    // preview is one, kept in the history).
    void expectPreview();
    void showPreviewProgress(qint64 done, qint64 total);
    // The dry run ended: `result` says what the run would do (or why the dry run failed).
    void showPreview(const QString &result, bool succeeded);
    // No figures (`why`): Run is on again, with the warning that nothing was checked.
    void showPreviewUnavailable(const QString &why);
    // `run` already did `period`: said under the figures, and the admin is asked again.
    void showDoneBefore(const StoredRun &run, const QString &period);
    // Whether a run did `period` is unknown (`why`): said, and the admin is asked again.
    void showDoneBeforeUnknown(const QString &period, const QString &why);
    // After exec() accepted: true when nothing was done before, or when the admin says yes
    // a second time to running again.
    bool confirmWhenDoneBefore();

private:
    void updateRunButton();
    void warnDoneBefore(const QString &text);

    QLineEdit *m_reason = nullptr;
    QCheckBox *m_dryRun = nullptr;
    QLabel *m_warning = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_preview = nullptr;
    QProgressBar *m_previewProgress = nullptr;
    QLabel *m_doneBefore = nullptr;
    QString m_job;
    bool m_waitingForPreview = false;
};

} // namespace jc
