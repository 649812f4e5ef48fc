#include "dialogs/RunNowDialog.h"

#include "data/TimeDisplay.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace jc {

RunNowDialog::RunNowDialog(const QString &job, const Schedule &schedule, const QDateTime &now,
                           bool runningElsewhere, OverlapPolicy policy, QWidget *parent)
    : QDialog(parent)
    , m_job(job)
{
    setWindowTitle(tr("Run %1 now").arg(job));
    auto *layout = new QVBoxLayout(this);

    auto *form = new QFormLayout;
    auto *jobLabel = new QLabel(job);
    jobLabel->setTextFormat(Qt::PlainText);
    form->addRow(tr("Job:"), jobLabel);
    if (schedule.isValid()) {
        const QDateTime next = schedule.next(now);
        auto *scheduleLabel =
            new QLabel(tr("%1 — next scheduled run %2")
                           .arg(schedule.description(), TimeDisplay::dateTime(next)));
        scheduleLabel->setWordWrap(true);
        form->addRow(tr("Schedule:"), scheduleLabel);
    }
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("Optional: why run it now (kept in the run's history)"));
    m_reason->setAccessibleName(tr("Reason"));
    form->addRow(tr("&Reason:"), m_reason);
    m_dryRun = new QCheckBox(tr("&Dry run: report what would change, change nothing"));
    m_dryRun->setObjectName(QStringLiteral("dryRunCheck"));
    form->addRow(QString(), m_dryRun);
    layout->addLayout(form);

    m_warning = new QLabel(overlapWarning(job, policy));
    m_warning->setTextFormat(Qt::PlainText);
    m_warning->setObjectName(QStringLiteral("overlapWarning"));
    m_warning->setWordWrap(true);
    m_warning->setAccessibleName(tr("Overlap warning"));
    m_warning->setVisible(runningElsewhere);
    layout->addWidget(m_warning);

    m_preview = new QLabel;
    m_preview->setObjectName(QStringLiteral("previewLabel"));
    m_preview->setTextFormat(Qt::PlainText);
    m_preview->setWordWrap(true);
    m_preview->setAccessibleName(tr("What the run would do"));
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview->hide();
    layout->addWidget(m_preview);
    m_previewProgress = new QProgressBar;
    m_previewProgress->setObjectName(QStringLiteral("previewProgress"));
    m_previewProgress->setAccessibleName(tr("Dry run progress"));
    m_previewProgress->setRange(0, 0); // busy until the first count
    m_previewProgress->hide();
    layout->addWidget(m_previewProgress);
    m_doneBefore = new QLabel;
    m_doneBefore->setObjectName(QStringLiteral("alreadyDoneLabel"));
    m_doneBefore->setTextFormat(Qt::PlainText);
    m_doneBefore->setWordWrap(true);
    m_doneBefore->setAccessibleName(tr("Already done"));
    m_doneBefore->setStyleSheet(QStringLiteral("font-weight: bold"));
    m_doneBefore->hide();
    layout->addWidget(m_doneBefore);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_run = buttons->addButton(tr("Run now"), QDialogButtonBox::AcceptRole);
    m_run->setObjectName(QStringLiteral("runButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_dryRun, &QCheckBox::toggled, this, &RunNowDialog::updateRunButton);
    layout->addWidget(buttons);
    // Wide enough for the figures and the warnings to read as sentences, not columns.
    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
    // Only now, inside the dialog: set before, the dialog does not know it, and on show makes
    // the first button in the focus chain (Cancel) the default — Enter would cancel.
    m_run->setDefault(true);
    m_reason->setFocus();
}

QString RunNowDialog::overlapWarning(const QString &job, OverlapPolicy policy)
{
    switch (admitBeside(policy, 1, false)) {
    case OverlapAdmission::Refuse:
        return tr("%1 is running now. Its overlap policy is \"skip\": this run will not start "
                  "(it is recorded as skipped).")
            .arg(job);
    case OverlapAdmission::Queue:
        return tr("%1 is running now. Its overlap policy is \"queue\": this run will start "
                  "after the current one ends.")
            .arg(job);
    case OverlapAdmission::Start:
        return tr("%1 is running now. Its overlap policy is \"parallel\": this run starts now "
                  "and runs beside the current one.")
            .arg(job);
    }
    return {};
}

void RunNowDialog::updateRunButton()
{
    m_run->setText(m_dryRun->isChecked() ? tr("Dry run now") : tr("Run now"));
    m_run->setEnabled(!m_waitingForPreview);
}

void RunNowDialog::expectPreview()
{
    m_waitingForPreview = true;
    m_dryRun->setChecked(false);
    m_dryRun->hide();
    m_preview->setText(tr("%1 moves money: it runs for real only after you have seen what it "
                          "will do. Checking with a dry run (kept in the history)…")
                           .arg(m_job));
    m_preview->show();
    m_previewProgress->show();
    updateRunButton();
}

void RunNowDialog::showPreviewProgress(qint64 done, qint64 total)
{
    if (total <= 0)
        return;
    // QProgressBar counts in int: per mille keeps any count in range.
    m_previewProgress->setRange(0, 1000);
    m_previewProgress->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
}

void RunNowDialog::showPreview(const QString &result, bool succeeded)
{
    m_waitingForPreview = false;
    m_previewProgress->hide();
    m_preview->setText(succeeded
                           ? result // "Dry run: would top up …"
                           : result + u' ' + tr("Running it for real may fail the same way."));
    updateRunButton();
    adjustSize(); // the new text's lines
}

void RunNowDialog::showPreviewUnavailable(const QString &why)
{
    m_waitingForPreview = false;
    m_previewProgress->hide();
    m_preview->setText(tr("No dry run: %1 What the run will do was not checked.").arg(why));
    updateRunButton();
    adjustSize(); // the new text's lines
}

void RunNowDialog::showDoneBefore(const StoredRun &run, const QString &period)
{
    const QString who = run.requestedBy.isEmpty() ? tr("the scheduler") : run.requestedBy;
    warnDoneBefore(tr("A %1 run by %2 already ran %3 for %4 (run %5, started %6). Running it "
                      "again does only what is left, which is what the dry run found.")
                       .arg(toText(run.trigger), who, m_job, period, QString::number(run.id),
                            TimeDisplay::dateTime(run.startedAt)));
}

void RunNowDialog::showDoneBeforeUnknown(const QString &period, const QString &why)
{
    warnDoneBefore(
        tr("Could not check whether a run already did %1 for %2: %3").arg(m_job, period, why));
}

void RunNowDialog::warnDoneBefore(const QString &text)
{
    m_doneBefore->setText(text);
    m_doneBefore->show();
    m_run->setText(tr("Run again…"));
    adjustSize(); // the new text's lines
}

bool RunNowDialog::confirmWhenDoneBefore()
{
    if (m_doneBefore->isHidden())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Run %1 again?").arg(m_job), m_doneBefore->text(),
                    QMessageBox::NoButton, parentWidget());
    box.setObjectName(QStringLiteral("runAgainQuestion"));
    box.setInformativeText(tr("Run it again now?"));
    QPushButton *again = box.addButton(tr("Run again"), QMessageBox::AcceptRole);
    again->setObjectName(QStringLiteral("runAgainButton"));
    QPushButton *no = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(no);
    box.exec();
    return box.clickedButton() == again;
}

QString RunNowDialog::reason() const
{
    return m_reason->text().trimmed();
}

bool RunNowDialog::dryRun() const
{
    return m_dryRun->isChecked();
}

} // namespace jc
