#pragma once

#include "engine/OverlapPolicy.h"
#include "schedule/Schedule.h"

#include <QDateTime>
#include <QDialog>

class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace jc {

class ProblemLabel;

// "Run for a past occurrence…": asks which past occurrence of a job to run as a backfill (the
// job runs as that occurrence; the top-up grants that occurrence's month to whoever has not
// had it). Shows the schedule in words and its zone; lists its latest occurrences, newest
// first, each in the job's zone with its offset ("Tue 1 Dec 2026 00:00 NZDT (+13:00)"); and
// has a date-time field, in the job's zone, for an older one. The field's value must be an
// occurrence: the dialog says which occurrence it would run, or why not with the nearest ones,
// and Run is off until it is one. Also a reason, a dry-run box, the overlap warning while the
// job runs (as Run now), and a sentence on what the backfill does.
//
// Which instants are occurrences comes from core (OccurrenceFinder), as Scheduler::runNow
// decides; the dialog only turns the field's wall time into an instant. Only asks: the main
// window starts the run with occurrence() after exec() accepts.
//
// objectNames for tests: occurrenceList, occurrenceEdit, occurrenceStatus, backfillEffect,
// reasonEdit, dryRunCheck, overlapWarning, runButton.
class BackfillDialog : public QDialog
{
    Q_OBJECT
public:
    // How many of the latest occurrences the list offers.
    static constexpr int listedOccurrences = 24;

    BackfillDialog(const QString &job, const Schedule &schedule, const QDateTime &now, bool running,
                   OverlapPolicy policy, QWidget *parent = nullptr);

    // The chosen occurrence; invalid while the field holds no past occurrence.
    QDateTime occurrence() const { return m_occurrence; }
    QString reason() const; // trimmed; empty when none given
    bool dryRun() const;

    // "Tue 1 Dec 2026 00:00 NZDT (+13:00)": `instant` in `zone`, seconds only when not zero.
    static QString occurrenceText(const QDateTime &instant, const QTimeZone &zone);

    // What running `job` as `occurrence` does, for people.
    static QString effect(const QString &job, const QDateTime &occurrence, const QTimeZone &zone);

    // Refused while the field holds no past occurrence (Run is off then too).
    void accept() override;

private:
    QWidget *buildOccurrences();
    void listChosen();
    void fieldEdited();
    void choose(const QDateTime &occurrence, const QString &problem);
    QDateTime instantOfField() const;
    void showInField(const QDateTime &instant);
    void updateRunButton();

    QString m_job;
    Schedule m_schedule;
    QDateTime m_now;
    QDateTime m_occurrence;
    QListWidget *m_list = nullptr;
    QDateTimeEdit *m_field = nullptr;
    QLabel *m_status = nullptr;
    ProblemLabel *m_problem = nullptr;
    QLabel *m_effect = nullptr;
    QLineEdit *m_reason = nullptr;
    QCheckBox *m_dryRun = nullptr;
    QPushButton *m_run = nullptr;
};

} // namespace jc
