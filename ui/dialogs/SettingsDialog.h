#pragma once

#include "dialogs/JobSettingsSection.h"

#include <QDateTime>
#include <QDialog>
#include <QHash>
#include <QJsonObject>

class QCheckBox;
class QDialogButtonBox;
class QRadioButton;

class QTabWidget;

namespace jc {

class ConsoleSettings;
class DatabaseSettingsPage;
class JobSettingsPage;
class PasswordVault;
class ProblemLabel;

// The console's settings, in tabs: Database (DatabaseSettingsPage), Jobs (JobSettingsPage),
// Display (local time or UTC), Scheduler (run scheduled jobs in this console or watch only;
// keep running in the tray when the window closes). OK is disabled while a page holds an
// invalid value, and the line above the buttons says which (the field may be on another tab
// or scrolled away). Cancel or Escape with changes made asks before discarding them.
//
// accept() writes the console's own settings (ConsoleSettings: URL without password, zone,
// scheduler mode, tray) and a typed password to the PasswordVault, nothing else. The caller
// applies the rest: stores changedJobSettings() through JobSettingsStore (off the GUI thread),
// reopens the database when databaseChanged(), applies TimeDisplay::setZone().
//
// objectNames: tabs, localTimeRadio, utcRadio, runJobsHereRadio, watchOnlyRadio,
// closeToTrayCheck, okBlockedReason, discardQuestion (the question's box), plus those of the
// pages.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(ConsoleSettings &settings, PasswordVault &vault, QList<JobSettingsSection> jobs,
                   QWidget *parent = nullptr);

    QHash<QString, QJsonObject> changedJobSettings() const;
    QString databaseUrl() const; // without password; empty: not configured
    bool databaseChanged() const;
    bool isOkEnabled() const;
    // The instant the Jobs page's schedule previews count from (JobSettingsPage::setNow).
    void setNow(const QDateTime &now);
    // Opens at the Jobs page, at `job`'s section (the job selected in the main window).
    void showJob(const QString &job);

    // Whether anything differs from what the dialog opened with.
    bool hasChanges() const;

    void accept() override;
    void reject() override;

private:
    QWidget *buildDisplayPage();
    QWidget *buildSchedulerPage();
    void updateOk();

    ConsoleSettings &m_settings;
    PasswordVault &m_vault;
    QString m_initialUrl;
    DatabaseSettingsPage *m_database = nullptr;
    JobSettingsPage *m_jobs = nullptr;
    QTabWidget *m_tabs = nullptr;
    QRadioButton *m_local = nullptr;
    QRadioButton *m_utc = nullptr;
    QRadioButton *m_runHere = nullptr;
    QRadioButton *m_watchOnly = nullptr;
    QCheckBox *m_closeToTray = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    ProblemLabel *m_blocked = nullptr;
};

} // namespace jc
