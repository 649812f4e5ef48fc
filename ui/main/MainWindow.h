#pragma once

#include "engine/OverlapPolicy.h"
#include "main/ConsoleSetup.h"

#include <QMainWindow>

class QLabel;
class QSortFilterProxyModel;
class QSplitter;
class QTabWidget;
class QTableView;
class QTimer;

namespace jc {

class ColumnFitter;
class ConsoleStatusBar;
class DatabaseReader;
class ErrorLogPane;
class ChangeListener;
class HistoryPane;
class SettingsChangesPane;
class JobActions;
class JobOperations;
class JobTableFeed;
class JobTableModel;
class TrayNotifier;
struct JobOverview;

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

    // For tests and main.cpp.
    JobTableModel *jobModel() const { return m_model; }
    QTableView *jobTable() const { return m_table; }
    QSortFilterProxyModel *jobProxy() const { return m_proxy; }
    JobActions *actions() const { return m_actions; }
    JobOperations *operations() const { return m_operations; }
    JobTableFeed *feed() const { return m_feed; }
    DatabaseReader *reader() const { return m_reader; }
    ConsoleStatusBar *consoleStatusBar() const { return m_status; }
    TrayNotifier *tray() const { return m_tray; }

    // Selects and shows `job`'s row (current and only selected).
    void selectJob(const QString &job);
    // The jobs selected now, by name, in table order.
    QStringList selectedJobs() const;

    // Asks (while a run is live here) and quits the application. False when the user said no.
    bool quit();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void buildTable();
    void buildPanes(QSplitter *splitter);
    void listenForChanges();
    void buildMenus();
    void restoreLayout();
    void saveLayout();
    void updateActions();
    void fitOnScreen();
    // History's running row follows the jobs table: its progress and its duration so far.
    void followLiveRun();
    // Shows the current job in the panes when it changed, and updates the actions.
    void currentJobChanged();
    const JobOverview *currentJob() const;

    void runNow();
    void runPastOccurrence();
    OverlapPolicy overlapPolicyOf(const QString &job) const;
    void pauseSelected();
    void resumeSelected();
    void cancelCurrent();
    void previewSchedule();
    void showRun(qint64 runId);
    void openSettings();
    void applySettings(const QHash<QString, QJsonObject> &jobSettings, bool restartNeeded);
    void showError(const QString &title, const QString &message);
    bool confirmQuit();
    void refreshNow();
    void updateGlance();
    void showAbout();

    ConsoleSetup m_setup;
    DatabaseReader *m_reader;
    JobTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table = nullptr;
    ColumnFitter *m_columns = nullptr;
    bool m_fittedOnScreen = false; // on the first show, when the frame is known
    QLabel *m_glance = nullptr;
    bool m_glanceAttention = false;
    QString m_title;
    JobTableFeed *m_feed;
    JobOperations *m_operations;
    JobActions *m_actions;
    ConsoleStatusBar *m_status;
    TrayNotifier *m_tray = nullptr;
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_tabs = nullptr;
    HistoryPane *m_history = nullptr;
    SettingsChangesPane *m_changes = nullptr;
    ChangeListener *m_listener = nullptr;
    QTimer *m_changeRefresh = nullptr;
    ErrorLogPane *m_errors = nullptr;
    QString m_shownJob; // the job the History and Settings changes panes show (empty: none)
    bool m_quitting = false;
    bool m_toldAboutTray = false;
};

} // namespace jc
