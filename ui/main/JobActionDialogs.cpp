#include "main/JobActionDialogs.h"

#include "data/DatabaseReader.h"
#include "dialogs/BackfillDialog.h"
#include "dialogs/PauseDialog.h"
#include "dialogs/RunDetailsDialog.h"
#include "dialogs/RunNowDialog.h"
#include "dialogs/SchedulePreviewDialog.h"
#include "engine/Clock.h"
#include "engine/Scheduler.h"
#include "jobs/JobCatalog.h"
#include "main/JobActions.h"
#include "main/JobOperations.h"
#include "main/ManualRunPreview.h"
#include "models/JobTableModel.h"
#include "models/RunFormat.h"
#include "views/JobTableView.h"

#include <QAction>
#include <QMessageBox>

namespace jc {

JobActionDialogs::JobActionDialogs(const ConsoleSetup &setup, JobTableModel *model,
                                   JobTableView *table, JobOperations *operations,
                                   DatabaseReader *reader, QWidget *window)
    : QObject(window)
    , m_setup(setup)
    , m_model(model)
    , m_table(table)
    , m_operations(operations)
    , m_reader(reader)
    , m_window(window)
{
    setObjectName(QStringLiteral("jobActionDialogs"));
}

void JobActionDialogs::connectTo(const JobActions &actions)
{
    connect(actions.runNow(), &QAction::triggered, this, &JobActionDialogs::runNow);
    connect(actions.backfill(), &QAction::triggered, this, &JobActionDialogs::runPastOccurrence);
    connect(actions.pause(), &QAction::triggered, this, &JobActionDialogs::pauseSelected);
    connect(actions.resume(), &QAction::triggered, this, &JobActionDialogs::resumeSelected);
    connect(actions.cancel(), &QAction::triggered, this, &JobActionDialogs::cancelCurrent);
    connect(actions.preview(), &QAction::triggered, this, &JobActionDialogs::previewSchedule);
}

const JobOverview *JobActionDialogs::currentJob() const
{
    return m_model->job(m_table->currentJob());
}

void JobActionDialogs::runNow()
{
    const JobOverview *job = currentJob();
    if (!job)
        return;
    const QString name = job->name;
    RunNowDialog dialog(name, job->schedule, m_setup.clock->now(), job->isRunning(),
                        overlapPolicyOf(name), m_window);
    dialog.setObjectName(QStringLiteral("runNowDialog"));
    // A job that moves money shows its dry run's figures first (and what already ran for the
    // period); while the job runs, its overlap policy decides and the warning says how.
    std::unique_ptr<ManualRunPreview> preview;
    const CatalogEntry *entry = JobCatalog::find(name);
    if (entry && entry->previewManualRuns && m_operations->scheduler() && !job->isRunning()) {
        preview = std::make_unique<ManualRunPreview>(m_operations->scheduler(), m_reader, name,
                                                     m_operations->user());
        dialog.expectPreview();
        connect(preview.get(), &ManualRunPreview::progressed, &dialog,
                &RunNowDialog::showPreviewProgress);
        connect(preview.get(), &ManualRunPreview::finished, &dialog, &RunNowDialog::showPreview);
        connect(preview.get(), &ManualRunPreview::unavailable, &dialog,
                &RunNowDialog::showPreviewUnavailable);
        connect(preview.get(), &ManualRunPreview::alreadyDone, &dialog,
                &RunNowDialog::showDoneBefore);
        connect(preview.get(), &ManualRunPreview::earlierRunUnknown, &dialog,
                &RunNowDialog::showDoneBeforeUnknown);
        preview->start();
    }
    if (dialog.exec() != QDialog::Accepted || !dialog.confirmWhenDoneBefore())
        return;
    preview.reset(); // a dry run still going is cancelled: the admin has decided
    const auto started = m_operations->runNow(name, dialog.dryRun(), dialog.reason());
    if (!started)
        emit failed(tr("\"%1\" did not start").arg(name), started.error());
}

// The dialog offers the occurrences of the schedule this console's scheduler runs the job on
// (stored overrides applied), the one Scheduler::runNow checks the chosen instant against.
void JobActionDialogs::runPastOccurrence()
{
    const JobOverview *job = currentJob();
    Scheduler *scheduler = m_operations->scheduler();
    if (!job || !scheduler)
        return;
    const QString name = job->name;
    const std::optional<JobStatus> status = scheduler->jobStatus(name);
    BackfillDialog dialog(name, status ? status->schedule : job->schedule, m_setup.clock->now(),
                          job->isRunning(), overlapPolicyOf(name), m_window);
    dialog.setObjectName(QStringLiteral("backfillDialog"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto started =
        m_operations->runNow(name, dialog.dryRun(), dialog.reason(), dialog.occurrence());
    if (!started)
        emit failed(tr("\"%1\" did not start").arg(name), started.error());
}

OverlapPolicy JobActionDialogs::overlapPolicyOf(const QString &job) const
{
    for (const JobDefinition &definition : m_setup.jobs) {
        if (definition.name == job)
            return definition.policies.overlap;
    }
    return OverlapPolicy::Skip;
}

void JobActionDialogs::pauseSelected()
{
    QStringList jobs;
    const qint64 now = m_model->now().toMSecsSinceEpoch();
    for (const QString &name : m_table->selectedJobs()) {
        const JobOverview *job = m_model->job(name);
        if (job && !(job->pause && job->pause->isActiveAt(now)))
            jobs.append(name);
    }
    if (jobs.isEmpty())
        return;
    PauseDialog dialog(jobs.join(QStringLiteral(", ")), *m_setup.clock, m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    for (const QString &job : jobs)
        m_operations->pause(job, dialog.reason(), dialog.resumeAt());
}

void JobActionDialogs::resumeSelected()
{
    const qint64 now = m_model->now().toMSecsSinceEpoch();
    for (const QString &name : m_table->selectedJobs()) {
        const JobOverview *job = m_model->job(name);
        if (job && job->pause && job->pause->isActiveAt(now))
            m_operations->resume(name);
    }
}

void JobActionDialogs::cancelCurrent()
{
    const JobOverview *job = currentJob();
    if (!job || !job->isRunning())
        return;
    const QString where = job->isRunningElsewhere()
                              ? tr("It runs on %1, which stops it within a few seconds.")
                                    .arg(job->lastRun->instanceId)
                              : tr("It runs in this console and stops at its next check.");
    QMessageBox box(QMessageBox::Question, tr("Cancel run"),
                    tr("Cancel the running run of \"%1\"?").arg(job->name),
                    QMessageBox::Yes | QMessageBox::No, m_window);
    // Work a run has committed is not undone by its cancel (the top-up's batches each commit
    // on their own): the admin decides knowing how much that is.
    QString done;
    if (const QString progress = RunFormat::progressText(job->progress()); !progress.isEmpty())
        done = u' ' + tr("What it has done so far stays done: %1.").arg(progress);
    box.setInformativeText(where + done + u' ' + tr("The run is recorded as cancelled."));
    box.setDefaultButton(QMessageBox::No);
    if (box.exec() != QMessageBox::Yes)
        return;
    // The row may have changed while the question was open: look it up again.
    if (const JobOverview *still = m_model->job(job->name))
        m_operations->cancel(*still);
}

void JobActionDialogs::previewSchedule()
{
    const JobOverview *job = currentJob();
    if (!job)
        return;
    auto *dialog =
        new SchedulePreviewDialog(job->name, job->schedule, m_setup.clock->now(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void JobActionDialogs::showRun(qint64 runId)
{
    if (runId <= 0)
        return;
    // The dialog reads the run off the GUI thread and follows it while it is live.
    auto *dialog = new RunDetailsDialog(m_reader, runId, *m_setup.clock, m_window);
    dialog->setObjectName(QStringLiteral("runDetails"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

} // namespace jc
