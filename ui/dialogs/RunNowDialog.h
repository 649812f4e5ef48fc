#pragma once

#include "engine/OverlapPolicy.h"
#include "schedule/Schedule.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace jc {

// Asks before a manual run: an optional reason (stored with the run), a dry-run choice, and,
// when the job is running now (here or in another instance), what its overlap policy will do
// with this request. Only asks: the main window starts the run after exec() accepts.
//
// objectNames for tests: reasonEdit, dryRunCheck, overlapWarning.
class RunNowDialog : public QDialog
{
    Q_OBJECT
public:
    RunNowDialog(const QString &job, const Schedule &schedule, bool runningElsewhere,
                 OverlapPolicy policy, QWidget *parent = nullptr);

    QString reason() const; // trimmed; empty when none given
    bool dryRun() const;

    // What the overlap policy does to a manual run while one is running, for the warning.
    static QString overlapWarning(const QString &job, OverlapPolicy policy);

private:
    void updateRunButton();

    QLineEdit *m_reason = nullptr;
    QCheckBox *m_dryRun = nullptr;
    QLabel *m_warning = nullptr;
    QPushButton *m_run = nullptr;
};

} // namespace jc
