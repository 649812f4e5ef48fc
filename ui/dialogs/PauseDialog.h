#pragma once

#include <QDateTime>
#include <QDialog>

#include <optional>

class QCheckBox;
class QDateTimeEdit;
class QLineEdit;
class QPushButton;

namespace jc {

class Clock;
class ProblemLabel;

// Asks before pausing a job: an optional reason and an optional time to resume by itself.
// The resume time is edited in the display zone (TimeDisplay: local or UTC) and must lie in
// the future: a past one shows why next to the field and disables Pause (checked again on
// accept, as time passes while the dialog is open).
//
// objectNames for tests: reasonEdit, resumeCheck, resumeAtEdit, resumeError.
class PauseDialog : public QDialog
{
    Q_OBJECT
public:
    // `clock`: the console's: the default resume time and what "has passed" count from it.
    PauseDialog(const QString &job, const Clock &clock, QWidget *parent = nullptr);

    QString reason() const; // trimmed; empty when none given
    // When to resume, in UTC; nullopt: paused until someone resumes it.
    std::optional<QDateTime> resumeAt() const;

    void accept() override;

private:
    // Why the resume time cannot be used, or empty.
    QString resumeProblem() const;
    void validate();

    const Clock &m_clock;
    QLineEdit *m_reason = nullptr;
    QCheckBox *m_resume = nullptr;
    QDateTimeEdit *m_resumeAt = nullptr;
    ProblemLabel *m_error = nullptr;
    QPushButton *m_pause = nullptr;
};

} // namespace jc
