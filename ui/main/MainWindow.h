#pragma once

#include "main/ConsoleSetup.h"

#include <QMainWindow>

class QAction;
class QSplitter;
class QTabWidget;
class QTimer;

namespace jc {

class ConsoleAlerts;
class ConsoleStatusBar;
class DatabaseReader;
class ErrorLogPane;
class GlanceLine;
class ChangeListener;
class HistoryPane;
class SettingsChangesPane;
class SettingsEditor;
class JobActionDialogs;
class JobActions;
class JobOperations;
class JobTableFeed;
class JobTableModel;
class JobTableView;
class TrayNotifier;
struct JobOverview;
class JobsAtAGlance;

// The console's window: the jobs table on top (sortable; layout and selection kept across
// restarts), below it the selected job's history and the error log across jobs, the job
// actions in a toolbar, the Jobs menu and the table's context menu, and the status bar.
// Everything slow happens off the GUI thread (JobTableFeed, JobOperations, the panes).
//
// Closing the window while this console runs jobs keeps it running in the tray (when the
// settings say so and there is a tray); quitting asks first while a run is live.
//
// Thread: GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ConsoleSetup setup, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Asks (while a run is live here) and quits the application. False when the user said no.
    bool quit();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void nameParts();
    void setUpWindow();
    void buildCentralWidget();
    void buildPanes(QSplitter *splitter);
    void fitJobsTable();
    void buildMenus();
    QAction *buildFileMenu();
    void buildHelpMenu();
    void buildTray(QAction *quitAction);
    void followScheduler();
    void followJobTable();
    void followOperations();
    void followStoredSettings();
    void listenForChanges();
    void restoreLayout();
    void saveLayout();
    void updateActions();
    // A change of the jobs table's rows first..last: History's live run follows, and the
    // actions when a selected job or the time changed.
    void followRowChanges(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void fitOnScreen();
    // History's running row follows the jobs table: its progress and its duration so far.
    void followLiveRun();
    // Shows the current job in the panes when it changed, and updates the actions.
    void currentJobChanged();
    void followShownPause();
    QString pauseKey() const;
    const JobOverview *currentJob() const;

    void showError(const QString &title, const QString &message);
    bool confirmQuit();
    // Re-reads everything the window shows: the jobs table and every pane.
    void refreshNow();
    void showGlance(const jc::JobsAtAGlance &glance);
    void showAbout();

    ConsoleSetup m_setup;
    DatabaseReader *m_reader;
    JobTableModel *m_model;
    JobTableView *m_table = nullptr;
    JobActionDialogs *m_dialogs = nullptr;
    SettingsEditor *m_settings = nullptr;
    bool m_fittedOnScreen = false; // on the first show, when the frame is known
    GlanceLine *m_glance = nullptr;
    QString m_title;
    JobTableFeed *m_feed;
    JobOperations *m_operations;
    JobActions *m_actions;
    ConsoleStatusBar *m_status;
    TrayNotifier *m_tray = nullptr;
    ConsoleAlerts *m_alerts = nullptr;
    QSplitter *m_splitter = nullptr;
    // The splitter was placed by hand, now or in an earlier session: fitJobsTable() leaves it.
    bool m_splitterPlaced = false;
    int m_fittedRows = -1;
    QTabWidget *m_tabs = nullptr;
    HistoryPane *m_history = nullptr;
    SettingsChangesPane *m_changes = nullptr;
    ChangeListener *m_listener = nullptr;
    QTimer *m_changeRefresh = nullptr;
    ErrorLogPane *m_errors = nullptr;
    QString m_shownJob;   // the job the History and Settings changes panes show (empty: none)
    QString m_shownPause; // pauseKey() of the shown job, as the Settings changes pane last read it
    bool m_quitting = false;
    bool m_toldAboutTray = false;
};

} // namespace jc
