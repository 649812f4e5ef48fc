#include "dialogs/PauseDialog.h"
#include "engine/Clock.h"

#include "data/TimeDisplay.h"
#include "dialogs/ProblemLabel.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimeZone>
#include <QVBoxLayout>

namespace jc {

namespace {

QDateTime inEditorZone(const QDateTime &now)
{
    return TimeDisplay::zone() == TimeDisplay::Zone::Utc ? now : now.toLocalTime();
}

} // namespace

PauseDialog::PauseDialog(const QString &job, const Clock &clock, QWidget *parent)
    : QDialog(parent)
    , m_clock(clock)
{
    setWindowTitle(tr("Pause %1").arg(job));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("While %1 is paused its scheduled occurrences are recorded as "
                                "missed. A run in progress is not stopped.")
                                 .arg(job));
    intro->setTextFormat(Qt::PlainText);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("Optional: why (shown in the jobs table and history)"));
    m_reason->setAccessibleName(tr("Reason"));
    form->addRow(tr("&Reason:"), m_reason);

    m_resume = new QCheckBox(tr("Resume &automatically at"));
    m_resume->setObjectName(QStringLiteral("resumeCheck"));
    m_resumeAt = new QDateTimeEdit;
    m_resumeAt->setObjectName(QStringLiteral("resumeAtEdit"));
    m_resumeAt->setAccessibleName(tr("Resume at"));
    m_resumeAt->setCalendarPopup(true);
    m_resumeAt->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_resumeAt->setTimeSpec(TimeDisplay::zone() == TimeDisplay::Zone::Utc ? Qt::UTC
                                                                          : Qt::LocalTime);
    m_resumeAt->setDateTime(inEditorZone(m_clock.now()).addSecs(3600));
    m_resumeAt->setEnabled(false);
    auto *resumeRow = new QHBoxLayout;
    resumeRow->addWidget(m_resumeAt, 1);
    resumeRow->addWidget(new QLabel(TimeDisplay::zoneName()));
    form->addRow(m_resume, resumeRow);
    m_error = new ProblemLabel;
    m_error->setObjectName(QStringLiteral("resumeError"));
    form->addRow(QString(), m_error);
    layout->addLayout(form);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_pause = buttons->addButton(tr("Pause"), QDialogButtonBox::AcceptRole);
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PauseDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    // Only now, inside the dialog: set before, the dialog does not know it, and on show makes
    // the first button in the focus chain (Cancel) the default — Enter would cancel.
    m_pause->setDefault(true);

    connect(m_resume, &QCheckBox::toggled, m_resumeAt, &QWidget::setEnabled);
    connect(m_resume, &QCheckBox::toggled, this, &PauseDialog::validate);
    connect(m_resumeAt, &QDateTimeEdit::dateTimeChanged, this, &PauseDialog::validate);
    m_reason->setFocus();
}

QString PauseDialog::reason() const
{
    return m_reason->text().trimmed();
}

std::optional<QDateTime> PauseDialog::resumeAt() const
{
    if (!m_resume->isChecked())
        return std::nullopt;
    return m_resumeAt->dateTime().toUTC();
}

QString PauseDialog::resumeProblem() const
{
    if (!m_resume->isChecked())
        return {};
    const QDateTime at = m_resumeAt->dateTime();
    if (!at.isValid())
        return tr("The resume time is not a valid time in %1.").arg(TimeDisplay::zoneName());
    if (at.toUTC() <= m_clock.now())
        return tr("The resume time %1 has passed: choose a time in the future.")
            .arg(TimeDisplay::dateTime(at));
    return {};
}

void PauseDialog::validate()
{
    const QString problem = resumeProblem();
    m_error->setProblem(problem);
    m_pause->setEnabled(problem.isEmpty());
}

void PauseDialog::accept()
{
    validate();
    if (!m_pause->isEnabled())
        return;
    QDialog::accept();
}

} // namespace jc
