#pragma once

#include "common/Expected.h"
#include "dialogs/JobSettingsSection.h"
#include "jobs/SettingValues.h"
#include "schedule/Schedule.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QWidget>

#include <optional>

class QComboBox;
class QFormLayout;
class QLabel;
class QScrollArea;
class QLineEdit;
class QSpinBox;

namespace jc {

class ProblemLabel;

// The settings dialog's Jobs page: per job a form generated from its SettingSpecs. Integer →
// QSpinBox over the spec's range (a QLineEdit when the range does not fit an int); Text, Url,
// Path and List → QLineEdit, Path with a Browse button. Each field has the spec's help as its
// tooltip and names its environment variable. Every edit is checked with
// SettingValues::read: a refused value shows why under the field ("Batch size (batchSize):
// ...") and the page turns invalid. A report-only setting's bad value is not refused: the
// same line warns what is wrong and what saving keeps (its salvaged value, or nothing), and
// the page stays valid, since no run depends on it.
//
// A field shows the stored value, else the default. Emptying a field whose default is empty
// means "not set". objectNames: "setting:<job>:<key>" for editors, "problem:<job>:<key>" for
// their messages.
//
// A job with a schedule gets a preview under its fields ("schedulePreview:<job>"), shown while
// its schedule or zone differs from what is in force: the next occurrences before and after,
// side by side, daylight saving's moves marked, and the runs the change adds or drops within
// the next 24 h (ScheduleChangePreview, counted from setNow()'s instant).
class JobSettingsPage : public QWidget
{
    Q_OBJECT
public:
    explicit JobSettingsPage(QList<JobSettingsSection> jobs, QWidget *parent = nullptr);

    bool isValid() const;
    // The first problem, for a status line; empty when valid.
    QString firstProblem() const;
    // Jobs whose settings changed: each the complete object to store (the values that differ
    // from the defaults, plus the stored keys that are not the job's own settings).
    QHash<QString, QJsonObject> changedJobSettings() const;

    // The instant the schedule previews count from (the console's clock); until set, no
    // preview is drawn.
    void setNow(const QDateTime &now);

    // Scrolls to `job`'s section and gives its first field the keyboard when the page gets
    // it (the job selected in the main window); nothing for another name.
    void showJob(const QString &job);

signals:
    void validityChanged(bool valid);
    // A field was checked again: firstProblem() may read otherwise, valid or not.
    void checked();

private:
    struct Field
    {
        qsizetype section = 0;
        SettingSpec spec;
        QSpinBox *spin = nullptr;
        QComboBox *combo = nullptr; // a Text setting with choices
        QLineEdit *line = nullptr;
        ProblemLabel *problem = nullptr;
        bool refused = false; // the problem shown blocks saving (not a report-only warning)
    };

    QWidget *buildSection(qsizetype index);
    QWidget *buildEditor(Field &field, const QString &objectName);
    QString text(const Field &field) const;
    // nullopt: not set (empty, with an empty default); else what the value reads as, or why
    // it is refused.
    std::optional<Expected<SettingValues::Reading, QString>> parsed(const Field &field) const;
    QString problemText(const Field &field,
                        const Expected<SettingValues::Reading, QString> &result) const;
    void check(Field &field);
    void updateValidity();
    static QString fieldName(const Field &field);
    // The value a field's setting has now (stored, else default) and in the editor.
    QString initialText(const Field &field) const;
    const Field *fieldOf(qsizetype section, const QString &key) const;
    void addSchedulePreview(qsizetype section, QFormLayout *form);
    void updateSchedulePreview(qsizetype section);
    // An edited schedule (or zone) with no occurrence after now is refused under the
    // schedule's field, as `jobctl set` refuses it: the job would silently never run again.
    void refuseNeverFiring(qsizetype section);
    // The section's schedule before and after the edits, each parsed in its zone; and whether
    // either was edited. Unset when a side does not read as a schedule in a known zone.
    struct ScheduleEdit
    {
        bool edited = false;
        std::optional<Schedule> before;
        std::optional<Schedule> after;
    };
    ScheduleEdit scheduleEdit(qsizetype section) const;

    QList<JobSettingsSection> m_jobs;
    QList<Field> m_fields;
    QList<QWidget *> m_boxes; // by section
    QScrollArea *m_scroll = nullptr;
    QHash<qsizetype, QLabel *> m_schedulePreviews; // by section
    QDateTime m_now;
    bool m_valid = true;
};

} // namespace jc
