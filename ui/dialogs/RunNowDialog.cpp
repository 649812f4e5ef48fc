#include "dialogs/RunNowDialog.h"

#include "data/TimeDisplay.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace jc {

RunNowDialog::RunNowDialog(const QString &job, const Schedule &schedule, bool runningElsewhere,
                           OverlapPolicy policy, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Run %1 now").arg(job));
    auto *layout = new QVBoxLayout(this);

    auto *form = new QFormLayout;
    auto *jobLabel = new QLabel(job);
    jobLabel->setTextFormat(Qt::PlainText);
    form->addRow(tr("Job:"), jobLabel);
    if (schedule.isValid()) {
        const QDateTime next = schedule.next(QDateTime::currentDateTimeUtc());
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

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_run = buttons->addButton(tr("Run now"), QDialogButtonBox::AcceptRole);
    m_run->setObjectName(QStringLiteral("runButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_dryRun, &QCheckBox::toggled, this, &RunNowDialog::updateRunButton);
    layout->addWidget(buttons);
    // Only now, inside the dialog: set before, the dialog does not know it, and on show makes
    // the first button in the focus chain (Cancel) the default — Enter would cancel.
    m_run->setDefault(true);
    m_reason->setFocus();
}

QString RunNowDialog::overlapWarning(const QString &job, OverlapPolicy policy)
{
    switch (policy) {
    case OverlapPolicy::Skip:
        return tr("%1 is running now. Its overlap policy is \"skip\": this run will not start "
                  "(it is recorded as skipped).")
            .arg(job);
    case OverlapPolicy::Queue:
        return tr("%1 is running now. Its overlap policy is \"queue\": this run will start "
                  "after the current one ends.")
            .arg(job);
    case OverlapPolicy::Parallel:
        return tr("%1 is running now. Its overlap policy is \"parallel\": this run starts now "
                  "and runs beside the current one.")
            .arg(job);
    }
    return {};
}

void RunNowDialog::updateRunButton()
{
    m_run->setText(m_dryRun->isChecked() ? tr("Dry run now") : tr("Run now"));
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
