#include "dialogs/BackfillDialog.h"

#include "common/IsoTime.h"
#include "data/TimeDisplay.h"
#include "dialogs/ProblemLabel.h"
#include "dialogs/RunNowDialog.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "schedule/OccurrenceFinder.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>

namespace jc {

namespace {

constexpr int instantRole = Qt::UserRole;

bool hasSeconds(const QList<QDateTime> &instants)
{
    return std::any_of(instants.cbegin(), instants.cend(),
                       [](const QDateTime &at) { return at.time().second() != 0; });
}

} // namespace

BackfillDialog::BackfillDialog(const QString &job, const Schedule &schedule, const QDateTime &now,
                               bool running, OverlapPolicy policy, QWidget *parent)
    : QDialog(parent)
    , m_job(job)
    , m_schedule(schedule)
    , m_now(now)
{
    setWindowTitle(tr("Run %1 for a past occurrence").arg(job));
    auto *layout = new QVBoxLayout(this);

    auto *form = new QFormLayout;
    auto *jobLabel = new QLabel(job);
    jobLabel->setTextFormat(Qt::PlainText);
    form->addRow(tr("Job:"), jobLabel);
    auto *scheduleLabel = new QLabel(
        tr("%1 (%2), in %3")
            .arg(schedule.description(), schedule.text(), QString::fromUtf8(schedule.zone().id())));
    scheduleLabel->setObjectName(QStringLiteral("scheduleLabel"));
    scheduleLabel->setTextFormat(Qt::PlainText);
    scheduleLabel->setWordWrap(true);
    form->addRow(tr("Schedule:"), scheduleLabel);
    layout->addLayout(form);
    layout->addWidget(buildOccurrences(), 1);

    m_effect = new QLabel;
    m_effect->setObjectName(QStringLiteral("backfillEffect"));
    m_effect->setTextFormat(Qt::PlainText);
    m_effect->setWordWrap(true);
    layout->addWidget(m_effect);

    auto *options = new QFormLayout;
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("Optional: why (kept in the run's history)"));
    m_reason->setAccessibleName(tr("Reason"));
    options->addRow(tr("&Reason:"), m_reason);
    m_dryRun = new QCheckBox(tr("&Dry run: report what would change, change nothing"));
    m_dryRun->setObjectName(QStringLiteral("dryRunCheck"));
    options->addRow(QString(), m_dryRun);
    layout->addLayout(options);

    auto *warning = new QLabel(RunNowDialog::overlapWarning(job, policy));
    warning->setObjectName(QStringLiteral("overlapWarning"));
    warning->setTextFormat(Qt::PlainText);
    warning->setWordWrap(true);
    warning->setVisible(running);
    layout->addWidget(warning);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_run = buttons->addButton(tr("Run backfill"), QDialogButtonBox::AcceptRole);
    m_run->setObjectName(QStringLiteral("runButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &BackfillDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_dryRun, &QCheckBox::toggled, this, &BackfillDialog::updateRunButton);
    layout->addWidget(buttons);
    // Set inside the dialog only (see RunNowDialog): Enter runs, it does not cancel.
    m_run->setDefault(true);

    if (m_list->count() > 0)
        m_list->setCurrentRow(0); // the newest: what a backfill is most often for
    else
        fieldEdited();
    m_list->setFocus();
    resize(640, 600);
}

QWidget *BackfillDialog::buildOccurrences()
{
    auto *box = new QWidget;
    auto *form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    const QTimeZone zone = m_schedule.zone();
    const QList<QDateTime> latest =
        m_schedule.isValid() ? OccurrenceFinder::latest(m_schedule, m_now, listedOccurrences)
                             : QList<QDateTime>();

    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("occurrenceList"));
    m_list->setAccessibleName(tr("Recent occurrences"));
    for (const QDateTime &at : latest) {
        auto *item = new QListWidgetItem(occurrenceText(at, zone), m_list);
        item->setData(instantRole, at);
        item->setToolTip(tr("%1 in your display zone").arg(TimeDisplay::dateTime(at)));
    }
    form->addRow(tr("Recent &occurrences:"), m_list);

    m_field = new QDateTimeEdit;
    m_field->setObjectName(QStringLiteral("occurrenceEdit"));
    m_field->setAccessibleName(tr("Occurrence, in %1").arg(QString::fromUtf8(zone.id())));
    // Qt 6.4's QDateTimeEdit has no zone: it holds the zone's wall time as if it were UTC,
    // and instantOfField() reads it in the job's zone.
    m_field->setTimeSpec(Qt::UTC);
    m_field->setDisplayFormat(hasSeconds(latest) ? QStringLiteral("yyyy-MM-dd HH:mm:ss")
                                                 : QStringLiteral("yyyy-MM-dd HH:mm"));
    m_field->setCalendarPopup(true);
    showInField(latest.isEmpty() ? m_now : latest.first());
    auto *fieldRow = new QHBoxLayout;
    fieldRow->addWidget(m_field, 1);
    fieldRow->addWidget(new QLabel(QString::fromUtf8(zone.id())));
    // The row's field is a layout: the form cannot give the label its buddy (without one
    // the label shows the '&' and Alt+E does nothing).
    auto *fieldLabel = new QLabel(tr("Or &enter one:"));
    fieldLabel->setBuddy(m_field);
    form->addRow(fieldLabel, fieldRow);

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("occurrenceStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_problem = new ProblemLabel;
    m_problem->setObjectName(QStringLiteral("occurrenceProblem"));
    auto *statusColumn = new QVBoxLayout;
    statusColumn->addWidget(m_status);
    statusColumn->addWidget(m_problem);
    form->addRow(QString(), statusColumn);

    connect(m_list, &QListWidget::currentRowChanged, this, &BackfillDialog::listChosen);
    connect(m_field, &QDateTimeEdit::dateTimeChanged, this, &BackfillDialog::fieldEdited);
    return box;
}

QString BackfillDialog::occurrenceText(const QDateTime &instant, const QTimeZone &zone)
{
    const QDateTime local = instant.toTimeZone(zone);
    const QString format = local.time().second() != 0 ? QStringLiteral("ddd d MMM yyyy HH:mm:ss")
                                                      : QStringLiteral("ddd d MMM yyyy HH:mm");
    return QStringLiteral("%1 %2 (%3)")
        .arg(local.toString(format), local.timeZoneAbbreviation(),
             IsoTime::offsetText(local.offsetFromUtc()));
}

QString BackfillDialog::effect(const QString &job, const QDateTime &occurrence,
                               const QTimeZone &zone)
{
    const QString when = occurrenceText(occurrence, zone);
    if (job == QLatin1String(MonthlyCreditTopUpJob::name))
        return tr("Runs the job as its occurrence of %1; the top-up grants that month (%2) to "
                  "users who have not had it yet; nobody is topped up twice. Recorded as a "
                  "backfill, with your name and reason.")
            .arg(when, MonthlyCreditTopUpJob::periodOf(occurrence, zone));
    return tr("Runs the job as its occurrence of %1: the job is given that time, not now. "
              "Recorded as a backfill, with your name and reason.")
        .arg(when);
}

void BackfillDialog::listChosen()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return; // the field holds an instant the list does not have
    const QDateTime occurrence = item->data(instantRole).toDateTime();
    showInField(occurrence);
    choose(occurrence, QString());
}

void BackfillDialog::fieldEdited()
{
    const QDateTime typed = instantOfField();
    QDateTime occurrence;
    QString problem;
    if (!m_schedule.isValid()) {
        problem = tr("%1 has no schedule: it has no occurrences to run.").arg(m_job);
    } else {
        const OccurrenceFinder::Around found = OccurrenceFinder::around(m_schedule, typed);
        if (found.isOccurrence)
            occurrence = typed;
        // A wall time in a fall-back hour stands for two instants and Qt takes the later
        // one; the occurrence may be the earlier, which shows the same wall time.
        for (const QDateTime &near : {found.previous, found.next}) {
            if (!occurrence.isValid() && near.isValid() &&
                near.toTimeZone(m_schedule.zone()).toString(m_field->displayFormat()) ==
                    m_field->dateTime().toString(m_field->displayFormat()))
                occurrence = near;
        }
        if (!occurrence.isValid())
            problem =
                OccurrenceFinder::notAnOccurrence(m_schedule, typed, m_job).value_or(QString());
        else if (occurrence > m_now)
            problem = tr("%1 has not come yet: only past occurrences can be run again.")
                          .arg(occurrenceText(occurrence, m_schedule.zone()));
    }
    // The list shows the choice when it has it, and no choice otherwise.
    const QSignalBlocker blocker(m_list);
    m_list->setCurrentRow(-1);
    for (int row = 0; row < m_list->count() && occurrence.isValid(); ++row) {
        if (m_list->item(row)->data(instantRole).toDateTime() == occurrence)
            m_list->setCurrentRow(row);
    }
    choose(problem.isEmpty() ? occurrence : QDateTime(), problem);
}

void BackfillDialog::choose(const QDateTime &occurrence, const QString &problem)
{
    m_occurrence = occurrence;
    m_problem->setProblem(problem);
    m_effect->setVisible(occurrence.isValid());
    // The effect names the occurrence in the job's zone; the status line adds how the
    // console shows it elsewhere, when that reads differently.
    const int shownOffset = TimeDisplay::zone() == TimeDisplay::Zone::Utc
                                ? 0
                                : occurrence.toLocalTime().offsetFromUtc();
    m_status->setVisible(occurrence.isValid() &&
                         occurrence.toTimeZone(m_schedule.zone()).offsetFromUtc() != shownOffset);
    m_status->setText(
        tr("That is %1 in your display zone.").arg(TimeDisplay::dateTime(occurrence)));
    if (occurrence.isValid())
        m_effect->setText(effect(m_job, occurrence, m_schedule.zone()));
    m_run->setEnabled(occurrence.isValid());
}

QDateTime BackfillDialog::instantOfField() const
{
    const QDateTime wall = m_field->dateTime();
    const QTimeZone zone = m_schedule.zone();
    const QDateTime instant(wall.date(), wall.time(), zone);
    if (instant.isValid())
        return instant;
    // Inside a spring-forward gap the wall time does not exist: read it with the offset
    // before the gap (a day earlier), which names the instant the gap begins near.
    const QDateTime asUtc(wall.date(), wall.time(), Qt::UTC);
    return asUtc.addSecs(-zone.offsetFromUtc(asUtc.addDays(-1)));
}

void BackfillDialog::showInField(const QDateTime &instant)
{
    const QDateTime local = instant.toTimeZone(m_schedule.zone());
    const QSignalBlocker blocker(m_field);
    m_field->setDateTime(QDateTime(local.date(), local.time(), Qt::UTC));
}

void BackfillDialog::updateRunButton()
{
    m_run->setText(m_dryRun->isChecked() ? tr("Dry run backfill") : tr("Run backfill"));
}

void BackfillDialog::accept()
{
    if (!m_occurrence.isValid())
        return;
    QDialog::accept();
}

QString BackfillDialog::reason() const
{
    return m_reason->text().trimmed();
}

bool BackfillDialog::dryRun() const
{
    return m_dryRun->isChecked();
}

} // namespace jc
