#include "main/MainWindow.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "engine/Clock.h"
#include "jobs/JobRuntime.h"
#include "main/ConsoleAlerts.h"
#include "main/ConsoleStatusBar.h"
#include "main/FocusRing.h"
#include "main/GlanceLine.h"
#include "main/HelpDialog.h"
#include "main/JobActionDialogs.h"
#include "main/JobActions.h"
#include "main/JobOperations.h"
#include "main/SettingsEditor.h"
#include "main/TrayNotifier.h"
#include "models/JobTableFeed.h"
#include "models/JobTableModel.h"
#include "models/RunFormat.h"
#include "models/RunHistoryModel.h"
#include "settings/ConsoleSettings.h"
#include "storage/ChangeListener.h"
#include "views/ErrorLogPane.h"
#include "views/HistoryPane.h"
#include "views/JobTableView.h"
#include "views/SettingsChangesPane.h"

#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPalette>
#include <QScreen>
#include <QSplitter>
#include <QSysInfo>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <numeric>

namespace jc {

namespace {

Scheduler *schedulerOf(const ConsoleSetup &setup)
{
    return setup.runtime ? &setup.runtime->scheduler() : nullptr;
}

QList<JobOverview> overviewsOf(const QList<JobDefinition> &jobs)
{
    QList<JobOverview> rows;
    for (const JobDefinition &job : jobs) {
        JobOverview row;
        row.name = job.name;
        row.description = job.description;
        row.schedule = job.schedule;
        rows.append(row);
    }
    return rows;
}

} // namespace

MainWindow::MainWindow(ConsoleSetup setup, QWidget *parent)
    : QMainWindow(parent)
    , m_setup(std::move(setup))
    , m_reader(new DatabaseReader(m_setup.database, this))
    , m_model(new JobTableModel(m_setup.clock->now(), this))
    , m_feed(new JobTableFeed(m_model, m_reader, *m_setup.clock, this))
    , m_operations(
          new JobOperations(m_reader, schedulerOf(m_setup), *m_setup.clock, m_setup.user, this))
    , m_actions(new JobActions(m_setup.runtime != nullptr, this))
    , m_status(
          new ConsoleStatusBar(m_reader, m_setup.databaseText, m_setup.runtime != nullptr, this))
{
    nameParts();
    setUpWindow();
    m_actions->setReadOnly(m_setup.readOnlyReason);
    m_model->setJobs(overviewsOf(m_setup.jobs));
    buildCentralWidget();
    buildMenus();
    followScheduler();
    followJobTable();
    followOperations();
    followStoredSettings();

    FocusRing::followFocus();
    // Times of another year than the console's now say their year (TimeDisplay).
    TimeDisplay::setReferenceNow(m_setup.clock->now());
    connect(m_feed, &JobTableFeed::refreshed, this,
            [this] { TimeDisplay::setReferenceNow(m_setup.clock->now()); });
    resize(1280, 780);
    restoreLayout();
    fitOnScreen();
    m_feed->setInterval(m_setup.refreshInterval);
    m_feed->start();
    m_alerts->start();
    listenForChanges();
    updateActions();
    m_glance->update();
}

// Tests and tools find the window's parts by these names (findChild), as it has no accessors.
void MainWindow::nameParts()
{
    m_reader->setObjectName(QStringLiteral("databaseReader"));
    m_model->setObjectName(QStringLiteral("jobTableModel"));
    m_feed->setObjectName(QStringLiteral("jobTableFeed"));
    m_operations->setObjectName(QStringLiteral("jobOperations"));
    m_actions->setObjectName(QStringLiteral("jobActions"));
    m_status->setObjectName(QStringLiteral("consoleStatusBar"));
}

void MainWindow::setUpWindow()
{
    // The platform adds " — Job Console" (the application's display name) to every window's
    // title: said here too, it read "Job Console — SQLite … — Job Console".
    m_title =
        m_setup.demo ? tr("Demo database — %1").arg(m_setup.databaseText) : m_setup.databaseText;
    setWindowTitle(m_title);
    setWindowIcon(QIcon(QStringLiteral(":/icons/jobconsole.svg")));
    setStatusBar(m_status);
    if (m_setup.demo)
        m_status->showMessage(tr("Demo database — choose yours in File → Settings."));
}

// The jobs at a glance above the jobs table, the panes below.
void MainWindow::buildCentralWidget()
{
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_table = new JobTableView(m_model, this);
    m_table->setContextActions(m_actions);
    m_dialogs = new JobActionDialogs(m_setup, m_model, m_table, m_operations, m_reader, this);
    connect(m_dialogs, &JobActionDialogs::failed, this, &MainWindow::showError);
    m_settings = new SettingsEditor(m_setup, m_reader, m_table, this);
    connect(m_settings, &SettingsEditor::failed, this, &MainWindow::showError);
    connect(m_settings, &SettingsEditor::applied, this, &MainWindow::refreshNow);
    connect(m_settings, &SettingsEditor::saved, this, [this](const QString &message) {
        m_status->showMessage(message, 15000);
        m_changes->refresh();
    });
    connect(m_table, &JobTableView::currentJobMayHaveChanged, this, &MainWindow::currentJobChanged);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this] {
        if (const JobOverview *job = currentJob(); job && job->lastRun)
            m_dialogs->showRun(job->lastRun->id);
    });
    auto *top = new QWidget(m_splitter);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(4);
    m_glance = new GlanceLine(m_model, top);
    connect(m_glance, &GlanceLine::changed, this, &MainWindow::showGlance);
    topLayout->addWidget(m_glance);
    topLayout->addWidget(m_table, 1);
    m_splitter->addWidget(top);
    buildPanes(m_splitter);
    // The jobs keep the height of their rows; the panes take what the window adds or loses.
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_splitterPlaced = true; });
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::fitJobsTable);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::fitJobsTable);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::fitJobsTable);
    setCentralWidget(m_splitter);
}

// Until the splitter is placed by hand (now or in an earlier session: saveLayout keeps only
// such a placement), the jobs table is as tall as its rows (up to JobTableView::MostRowsWanted,
// and half the height), whatever the window's size: at 900×600 it showed three jobs of four
// and a scroll bar while History had room to spare. Fitted when the rows change; as the window
// grows or shrinks, the panes take the difference (stretch 0 and 1).
void MainWindow::fitJobsTable()
{
    const int rows = m_model->rowCount();
    if (m_splitterPlaced || rows == m_fittedRows || rows == 0)
        return;
    m_fittedRows = rows;
    QWidget *top = m_splitter->widget(0);
    m_table->updateGeometry();
    top->layout()->invalidate();
    const QList<int> sizes = m_splitter->sizes();
    const int total = std::accumulate(sizes.cbegin(), sizes.cend(), 0);
    const int wanted = std::min(top->sizeHint().height(), total / 2);
    m_splitter->setSizes({wanted, std::max(0, total - wanted)});
}

// This console's scheduler (none when it only watches): the table follows its runs, the tray
// tells of missed occurrences (as the jobs' alert rules say), the status bar of refused runs.
void MainWindow::followScheduler()
{
    Scheduler *scheduler = schedulerOf(m_setup);
    if (!scheduler)
        return;
    m_feed->connectScheduler(scheduler);
    connect(scheduler, &Scheduler::occurrenceSkipped, this,
            [this](const QString &job, const QDateTime &occurrence, SkipReason reason, int count) {
                m_alerts->occurrenceSkipped(job, occurrence, reason, count);
            });
    connect(scheduler, &Scheduler::runRefused, this,
            [this](const RunInfo &run, SkipReason, const QString &message) {
                m_status->showMessage(tr("\"%1\" did not run: %2").arg(run.job, message), 10000);
            });
}

// What the jobs table learns moves the panes, the actions, the glance and the status bar.
void MainWindow::followJobTable()
{
    connect(m_model, &JobTableModel::runEnded, this, [this](const StoredRun &run) {
        // Replaces a "Cancelling …" that waited for this end; stays until the next message.
        m_status->showMessage(tr("\"%1\" ended %2 at %3 (run %4).")
                                  .arg(run.job, RunFormat::outcomeText(run.outcome),
                                       TimeDisplay::shortDateTime(run.finishedAt))
                                  .arg(run.id));
        m_alerts->runEnded(run);
        m_history->refresh();
        m_errors->refresh();
    });
    // A run that began (here or elsewhere) is a row in History at once, and stays live there.
    connect(m_model, &JobTableModel::runBegan, this, [this](const StoredRun &run) {
        if (run.job == m_history->model()->job())
            m_history->refresh();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::followRowChanges);
    connect(m_feed, &JobTableFeed::instancesSeenChanged, m_status, &ConsoleStatusBar::setInstances);
    connect(m_status, &ConsoleStatusBar::reconnectRequested, this, [this] {
        m_reader->database()->closeAll(); // every thread reopens its connection
        refreshNow();
    });
}

void MainWindow::followOperations()
{
    // Until the run has ended (runEnded replaces it): a cancel can take a batch's time.
    connect(m_operations, &JobOperations::cancelling, this, [this](const QString &job) {
        m_status->showMessage(tr("Cancelling \"%1\"…").arg(job));
    });
    connect(m_operations, &JobOperations::succeeded, this, [this](const QString &message) {
        m_status->showMessage(message, 8000);
        m_feed->refreshNow();
    });
    connect(m_operations, &JobOperations::failed, this, [this](const QString &message) {
        showError(tr("The action did not work"), message);
        m_feed->refreshNow();
    });
}

// A settings change seen in the database: the table follows it at once, the Settings changes
// pane lists it, and this console's scheduler need not wait for its own poll to apply it.
void MainWindow::followStoredSettings()
{
    m_feed->followStoredSettings(m_setup.zone);
    connect(m_feed, &JobTableFeed::storedSettingsChanged, m_changes, &SettingsChangesPane::refresh);
    if (JobRuntime *runtime = m_setup.runtime)
        connect(m_feed, &JobTableFeed::storedSettingsChanged, this,
                [runtime] { runtime->pollNow(); });
}

// On PostgreSQL the database announces every change (ChangeListener): the console re-reads at
// once, at most every 300 ms in a burst, and polls four times less often. Elsewhere it polls.
void MainWindow::listenForChanges()
{
    m_listener = new ChangeListener(m_reader->database(), std::chrono::seconds(5), this);
    m_changeRefresh = new QTimer(this);
    m_changeRefresh->setSingleShot(true);
    m_changeRefresh->setInterval(300);
    connect(m_changeRefresh, &QTimer::timeout, this, &MainWindow::refreshNow);
    connect(m_listener, &ChangeListener::changed, this, [this] {
        if (!m_changeRefresh->isActive())
            m_changeRefresh->start();
    });
    const auto useUpdates = [this](bool live, const QString &why) {
        // Live, the poll is a safety net (and what notices a database that stopped
        // answering): a quarter as often.
        const std::chrono::milliseconds interval =
            live ? m_setup.refreshInterval * 4 : m_setup.refreshInterval;
        m_feed->setInterval(interval);
        m_status->setUpdates(live, interval, why);
    };
    connect(m_listener, &ChangeListener::listeningChanged, this, useUpdates);
    useUpdates(
        false,
        m_listener->isAvailable()
            ? tr("Connecting to listen for changes…")
            : tr("%1 does not announce changes.").arg(displayName(m_setup.database->dialect())));
    m_listener->start();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPanes(QSplitter *splitter)
{
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("paneTabs"));
    m_history = new HistoryPane(m_reader, *m_setup.clock, m_tabs);
    m_errors = new ErrorLogPane(m_reader, *m_setup.clock, m_tabs);
    m_errors->setJobs(m_model->jobNames());
    m_changes = new SettingsChangesPane(m_reader, m_tabs);
    m_tabs->addTab(m_history, tr("Histor&y"));
    m_tabs->addTab(m_errors, tr("&Error log"));
    m_tabs->addTab(m_changes, tr("Settings &changes"));
    connect(m_history, &HistoryPane::runActivated, m_dialogs, &JobActionDialogs::showRun);
    connect(m_errors, &ErrorLogPane::runActivated, m_dialogs, &JobActionDialogs::showRun);
    splitter->addWidget(m_tabs);
}

void MainWindow::buildMenus()
{
    QAction *quitAction = buildFileMenu();
    QMenu *jobs = menuBar()->addMenu(tr("&Jobs"));
    m_actions->addTo(jobs);
    buildHelpMenu();

    QToolBar *toolBar = addToolBar(tr("Job actions"));
    toolBar->setObjectName(QStringLiteral("jobToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_actions->addTo(toolBar);
    m_dialogs->connectTo(*m_actions);
    buildTray(quitAction);
}

// The File menu; its Quit action, which the tray's menu offers too.
QAction *MainWindow::buildFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *refresh = file->addAction(tr("Re&fresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    connect(refresh, &QAction::triggered, this, [this] {
        refreshNow();
        // Asked for by the admin: the alerts' sweep too (otherwise each minute). Not in
        // refreshNow(), which every change of another instance calls.
        m_alerts->sweep();
    });
    QAction *reconnect = file->addAction(tr("&Reconnect to the database"));
    reconnect->setShortcut(QKeySequence(tr("Ctrl+F5")));
    connect(reconnect, &QAction::triggered, m_status, &ConsoleStatusBar::reconnectRequested);
    QAction *find = file->addAction(tr("Search the &error log"));
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_tabs->setCurrentWidget(m_errors);
        m_errors->focusSearch();
    });
    QAction *settingsAction = file->addAction(tr("&Settings…"));
    settingsAction->setShortcut(QKeySequence::Preferences);
    settingsAction->setObjectName(QStringLiteral("settingsAction"));
    settingsAction->setEnabled(m_setup.settings && m_setup.vault);
    connect(settingsAction, &QAction::triggered, m_settings, &SettingsEditor::open);
    file->addSeparator();
    QAction *quitAction = file->addAction(tr("&Quit"));
    quitAction->setShortcut(QKeySequence::Quit);
    quitAction->setObjectName(QStringLiteral("quitAction"));
    connect(quitAction, &QAction::triggered, this, &MainWindow::quit);
    return quitAction;
}

void MainWindow::buildHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *guide = help->addAction(tr("&User guide"));
    guide->setShortcut(QKeySequence::HelpContents);
    guide->setObjectName(QStringLiteral("userGuideAction"));
    connect(guide, &QAction::triggered, this, [this] {
        auto *dialog = new HelpDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    QAction *about = help->addAction(tr("&About Job Console"));
    about->setObjectName(QStringLiteral("aboutAction"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    QAction *aboutQt = help->addAction(tr("About &Qt"));
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::buildTray(QAction *quitAction)
{
    const auto showWindow = [this] {
        showNormal();
        raise();
        activateWindow();
    };
    auto *trayMenu = new QMenu(this);
    trayMenu->addAction(tr("Show Job Console"), this, showWindow);
    trayMenu->addAction(quitAction);
    m_tray = new TrayNotifier(windowIcon(), trayMenu, this);
    m_tray->setObjectName(QStringLiteral("trayNotifier"));
    connect(m_tray, &TrayNotifier::showWindowRequested, this, showWindow);
    connect(m_tray, &TrayNotifier::runActivated, m_dialogs, &JobActionDialogs::showRun);
    QStringList jobs;
    for (const JobDefinition &job : m_setup.jobs)
        jobs.append(job.name);
    const Scheduler *scheduler = schedulerOf(m_setup);
    m_alerts = new ConsoleAlerts(*m_reader, *m_tray, *m_setup.clock, jobs,
                                 scheduler ? scheduler->instanceId() : QString(), this);
}

void MainWindow::restoreLayout()
{
    QStringList selected;
    if (ConsoleSettings *settings = m_setup.settings) {
        restoreGeometry(settings->windowGeometry());
        restoreState(settings->windowState());
        // The columns' order, sort and hidden ones; their widths follow the window.
        m_table->horizontalHeader()->restoreState(settings->viewState(QStringLiteral("jobTable")));
        m_table->horizontalHeader()->setStretchLastSection(false);
        m_splitterPlaced =
            m_splitter->restoreState(settings->viewState(QStringLiteral("mainSplitter")));
        m_history->restoreSplitterState(settings->viewState(QStringLiteral("historySplitter")));
        selected = settings->selectedJobs();
    }
    if (m_table->selectJobs(selected))
        currentJobChanged();
}

// A window restored from another screen (a larger one, or a scale factor since changed) or
// the default size on a small screen: made to fit the screen it opens on, and moved onto it.
void MainWindow::fitOnScreen()
{
    const QScreen *onScreen = QGuiApplication::screenAt(frameGeometry().center());
    if (!onScreen)
        onScreen = screen();
    if (!onScreen || isMaximized() || isFullScreen())
        return;
    const QRect available = onScreen->availableGeometry();
    // The frame is known once the window is shown (showEvent fits again); before, room for a
    // title bar is kept.
    const QSize frame = frameGeometry().size() - size();
    const QSize margins = frame.width() > 0 && frame.height() > 0 ? frame : QSize(16, 40);
    resize(size().boundedTo(available.size() - margins));
    const QSize outer = size() + margins;
    const int left = std::clamp(frameGeometry().left(), available.left(),
                                std::max(available.left(), available.right() + 1 - outer.width()));
    const int top = std::clamp(frameGeometry().top(), available.top(),
                               std::max(available.top(), available.bottom() + 1 - outer.height()));
    move(left, top);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (!m_fittedOnScreen) {
        m_fittedOnScreen = true;
        fitOnScreen();
    }
}

void MainWindow::saveLayout()
{
    ConsoleSettings *settings = m_setup.settings;
    if (!settings)
        return;
    settings->setWindowGeometry(saveGeometry());
    settings->setWindowState(saveState());
    settings->setViewState(QStringLiteral("jobTable"), m_table->horizontalHeader()->saveState());
    // A fitted split is fitted again next time, to that window's size and number of jobs.
    settings->setViewState(QStringLiteral("mainSplitter"),
                           m_splitterPlaced ? m_splitter->saveState() : QByteArray());
    settings->setViewState(QStringLiteral("historySplitter"), m_history->splitterState());
    settings->setSelectedJobs(m_table->selectedJobs());
    settings->sync();
}

const JobOverview *MainWindow::currentJob() const
{
    return m_model->job(m_table->currentJob());
}

void MainWindow::currentJobChanged()
{
    const JobOverview *job = currentJob();
    const QString name = job ? job->name : QString();
    if (name != m_shownJob) {
        // Setting the job shown again would re-read it: only a change goes to the panes.
        m_shownJob = name;
        m_shownPause = pauseKey();
        m_history->setJob(name);
        m_changes->setJob(name);
    }
    updateActions();
}

void MainWindow::followLiveRun()
{
    RunHistoryModel *history = m_history->model();
    history->setNow(m_model->now());
    const JobOverview *job = m_model->job(history->job());
    if (job && job->lastRun && job->lastRun->outcome == RunOutcome::Running) {
        history->setLiveProgress(job->lastRun->id, job->progress());
        history->setLiveHeartbeat(job->lastRun->id, job->lastRun->heartbeatAt);
    }
}

void MainWindow::followRowChanges(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    followLiveRun();
    followShownPause();
    // The actions depend on the selected jobs and on the time (a pause ends; a new "now" changes
    // every row): a progress report of a job that is not selected (with 50 running, a thousand a
    // second) changes neither.
    if (m_table->anySelected(topLeft.row(), bottomRight.row()))
        updateActions();
}

// A pause or resume of the shown job, made here, by another console or by `jobctl`, is an
// entry of its change log: the Settings changes pane reads it again when the table sees it,
// not only at F5.
void MainWindow::followShownPause()
{
    if (const QString key = pauseKey(); key != m_shownPause) {
        m_shownPause = key;
        m_changes->refresh();
    }
}

// What identifies the shown job's pause: who, when, why, until when; empty when none.
QString MainWindow::pauseKey() const
{
    const JobOverview *job = m_model->job(m_shownJob);
    if (!job || !job->pause)
        return {};
    const PauseState &pause = *job->pause;
    return QStringList{pause.pausedBy, pause.pausedAt.toString(Qt::ISODateWithMs), pause.reason,
                       pause.resumeAt ? pause.resumeAt->toString(Qt::ISODateWithMs) : QString()}
        .join(u'\n');
}

void MainWindow::updateActions()
{
    QList<const JobOverview *> selected;
    for (const QString &name : m_table->selectedJobs()) {
        if (const JobOverview *job = m_model->job(name))
            selected.append(job);
    }
    m_actions->update(selected, currentJob(), m_model->now());
}

void MainWindow::showError(const QString &title, const QString &message)
{
    // Not modal to the application: a failure must not stop the window from updating.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// The window title and the tray icon say what the glance line says, each time it changes.
void MainWindow::showGlance(const JobsAtAGlance &glance)
{
    const bool attention = glance.level == JobsAtAGlance::Level::NeedsAttention;
    setWindowTitle(attention ? QStringLiteral("⚠ %1 — %2")
                                   .arg(glance.problems == 1
                                            ? tr("1 job needs attention")
                                            : tr("%1 jobs need attention").arg(glance.problems),
                                        m_title)
                             : m_title);
    if (m_tray)
        m_tray->setGlance(glance.text, attention);
}

// Re-reads what the window shows now, instead of at the next poll: F5, a change the database
// announced, a reconnection, new settings.
void MainWindow::refreshNow()
{
    m_feed->refreshNow();
    m_history->refresh();
    m_errors->refresh();
    m_changes->refresh();
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Job Console"),
                                tr("Job Console %1").arg(QCoreApplication::applicationVersion()),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setInformativeText(
        tr("The admin console and scheduler of the web app's maintenance jobs.\n\n"
           "Built with Qt %1 (running on Qt %2), %3.\nDatabase: %4")
            .arg(QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()),
                 QSysInfo::buildAbi(), m_setup.databaseText));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::confirmQuit()
{
    if (!m_setup.runtime)
        return true;
    const auto live = m_setup.runtime->scheduler().activeRuns();
    if (live.isEmpty())
        return true;
    QStringList jobs;
    for (const RunInfo &run : live)
        jobs.append(run.job);
    QMessageBox box(QMessageBox::Question, tr("Quit Job Console"),
                    tr("%n run(s) are live in this console: %1.", nullptr, int(live.size()))
                        .arg(jobs.join(QStringLiteral(", "))),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setInformativeText(tr("Quitting stops them; they are recorded as interrupted, and a "
                              "scheduled run is finished the next time jobs run here on this "
                              "database. Quit anyway?"));
    box.setDefaultButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

bool MainWindow::quit()
{
    if (!confirmQuit())
        return false;
    m_quitting = true;
    saveLayout();
    close();
    QCoreApplication::quit();
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    if (m_quitting) {
        event->accept();
        return;
    }
    const bool toTray = m_setup.runtime && m_setup.settings && m_setup.settings->closeToTray() &&
                        m_tray->isAvailable();
    if (toTray) {
        hide();
        event->ignore();
        if (!m_toldAboutTray) {
            m_toldAboutTray = true;
            m_tray->inform(tr("Job Console"),
                           tr("Still running the jobs here. Quit from the tray icon's menu."));
        }
        return;
    }
    if (!confirmQuit()) {
        event->ignore();
        return;
    }
    m_quitting = true;
    event->accept();
}

} // namespace jc
