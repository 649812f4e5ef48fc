#include "main/MainWindow.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "dialogs/BackfillDialog.h"
#include "dialogs/PauseDialog.h"
#include "dialogs/RunDetailsDialog.h"
#include "dialogs/RunNowDialog.h"
#include "dialogs/SchedulePreviewDialog.h"
#include "dialogs/SettingsDialog.h"
#include "engine/Clock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"
#include "jobs/JobRuntime.h"
#include "main/ConsoleStatusBar.h"
#include "main/FocusRing.h"
#include "main/HelpDialog.h"
#include "main/JobActions.h"
#include "main/JobOperations.h"
#include "main/ManualRunPreview.h"
#include "main/TrayNotifier.h"
#include "models/JobTableFeed.h"
#include "models/JobTableModel.h"
#include "models/RunFormat.h"
#include "models/RunHistoryModel.h"
#include "settings/ConsoleSettings.h"
#include "storage/ChangeListener.h"
#include "storage/JobSettingsStore.h"
#include "views/ColumnFitter.h"
#include "views/ErrorLogPane.h"
#include "views/HistoryPane.h"
#include "views/ProgressDelegate.h"
#include "views/SettingsChangesPane.h"

#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPalette>
#include <QScreen>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QSysInfo>
#include <QTabWidget>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

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
    , m_proxy(new QSortFilterProxyModel(this))
    , m_feed(new JobTableFeed(m_model, m_reader, *m_setup.clock, this))
    , m_operations(
          new JobOperations(m_reader, schedulerOf(m_setup), *m_setup.clock, m_setup.user, this))
    , m_actions(new JobActions(m_setup.runtime != nullptr, this))
    , m_status(
          new ConsoleStatusBar(m_reader, m_setup.databaseText, m_setup.runtime != nullptr, this))
{
    m_title = (m_setup.demo ? tr("Job Console — demo database") : tr("Job Console")) +
              QStringLiteral(" — ") + m_setup.databaseText;
    setWindowTitle(m_title);
    setWindowIcon(QIcon(QStringLiteral(":/icons/jobconsole.svg")));
    setStatusBar(m_status);
    if (m_setup.demo)
        m_status->showMessage(tr("Demo database — choose yours in File → Settings."));

    m_actions->setReadOnly(m_setup.readOnlyReason);
    m_model->setJobs(overviewsOf(m_setup.jobs));
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    buildTable();
    auto *top = new QWidget(m_splitter);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(4);
    m_glance = new QLabel(top);
    m_glance->setObjectName(QStringLiteral("glanceLabel"));
    m_glance->setTextFormat(Qt::PlainText);
    m_glance->setWordWrap(true);
    m_glance->setAccessibleName(tr("All jobs at a glance"));
    m_glance->setContentsMargins(6, 4, 6, 0);
    topLayout->addWidget(m_glance);
    topLayout->addWidget(m_table, 1);
    m_splitter->addWidget(top);
    buildPanes(m_splitter);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    setCentralWidget(m_splitter);
    buildMenus();

    if (Scheduler *scheduler = schedulerOf(m_setup)) {
        m_feed->connectScheduler(scheduler);
        connect(scheduler, &Scheduler::occurrenceSkipped, this,
                [this](const QString &job, const QDateTime &, SkipReason reason, int count) {
                    if (reason == SkipReason::Coalesced)
                        m_tray->notifyMissed(job, count);
                });
        connect(scheduler, &Scheduler::runRefused, this,
                [this](const RunInfo &run, SkipReason, const QString &message) {
                    m_status->showMessage(tr("\"%1\" did not run: %2").arg(run.job, message),
                                          10000);
                });
    }
    connect(m_model, &JobTableModel::runEnded, this, [this](const StoredRun &run) {
        // Replaces a "Cancelling …" that waited for this end; stays until the next message.
        m_status->showMessage(tr("\"%1\" ended %2 at %3 (run %4).")
                                  .arg(run.job, RunFormat::outcomeText(run.outcome),
                                       TimeDisplay::shortDateTime(run.finishedAt))
                                  .arg(run.id));
        m_tray->notifyEnded(run);
        m_history->refresh();
        m_errors->refresh();
    });
    // A run that began (here or elsewhere) is a row in History at once, and stays live there.
    connect(m_model, &JobTableModel::runBegan, this, [this](const StoredRun &run) {
        if (run.job == m_history->model()->job())
            m_history->refresh();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::followLiveRun);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::updateGlance);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateGlance);
    connect(m_feed, &JobTableFeed::instancesSeenChanged, m_status, &ConsoleStatusBar::setInstances);
    connect(m_status, &ConsoleStatusBar::reconnectRequested, this, [this] {
        m_reader->database()->closeAll(); // every thread reopens its connection
        m_feed->refreshNow();
        m_history->refresh();
        m_errors->refresh();
    });
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

    // A settings change seen in the database: the table follows it at once, and this
    // console's scheduler need not wait for its own poll to apply it.
    m_feed->followStoredSettings(m_setup.zone);
    if (JobRuntime *runtime = m_setup.runtime)
        connect(m_feed, &JobTableFeed::storedSettingsChanged, this,
                [runtime] { runtime->pollNow(); });

    FocusRing::followFocus();
    resize(1280, 780);
    restoreLayout();
    fitOnScreen();
    m_feed->setInterval(m_setup.refreshInterval);
    m_feed->start();
    listenForChanges();
    updateActions();
    updateGlance();
}

// On PostgreSQL the database announces every change (ChangeListener): the console re-reads at
// once, at most every 300 ms in a burst, and polls four times less often. Elsewhere it polls.
void MainWindow::listenForChanges()
{
    m_listener = new ChangeListener(m_reader->database(), std::chrono::seconds(5), this);
    m_changeRefresh = new QTimer(this);
    m_changeRefresh->setSingleShot(true);
    m_changeRefresh->setInterval(300);
    connect(m_changeRefresh, &QTimer::timeout, this, [this] {
        m_feed->refreshNow();
        m_history->refresh();
        m_errors->refresh();
        m_changes->refresh();
    });
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

void MainWindow::buildTable()
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(JobTableModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_table = new QTableView(this);
    m_table->setTabKeyNavigation(false); // Tab leaves the table; arrows move between rows
    m_table->setObjectName(QStringLiteral("jobTable"));
    m_table->setAccessibleName(tr("Jobs"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(JobTableModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->setItemDelegateForColumn(JobTableModel::State, new ProgressDelegate(m_table));
    QHeaderView *header = m_table->horizontalHeader();
    header->setObjectName(QStringLiteral("jobTableHeader"));
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    // Job, state, last and next run always show whole; the schedule (its description can be
    // long) and the last success give way first, and take what is spare.
    m_columns = new ColumnFitter(
        m_table,
        {JobTableModel::ScheduleColumn, JobTableModel::LastSuccess, JobTableModel::LastRun},
        JobTableModel::ScheduleColumn);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        QMenu menu(this);
        m_actions->addTo(&menu);
        menu.exec(m_table->viewport()->mapToGlobal(at));
    });
    // A mouse press moves the current index first and selects the row after it; a key
    // selects first. The panes follow "the current row, once selected", so both signals
    // lead to currentJobChanged(), which acts only when that job changes.
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::currentJobChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::currentJobChanged);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this] {
        if (const JobOverview *job = currentJob(); job && job->lastRun)
            showRun(job->lastRun->id);
    });
}

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
    connect(m_history, &HistoryPane::runActivated, this, &MainWindow::showRun);
    connect(m_errors, &ErrorLogPane::runActivated, this, &MainWindow::showRun);
    splitter->addWidget(m_tabs);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *refresh = file->addAction(tr("Re&fresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    connect(refresh, &QAction::triggered, this, &MainWindow::refreshNow);
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
    connect(settingsAction, &QAction::triggered, this, &MainWindow::openSettings);
    file->addSeparator();
    QAction *quitAction = file->addAction(tr("&Quit"));
    quitAction->setShortcut(QKeySequence::Quit);
    quitAction->setObjectName(QStringLiteral("quitAction"));
    connect(quitAction, &QAction::triggered, this, &MainWindow::quit);

    QMenu *jobs = menuBar()->addMenu(tr("&Jobs"));
    m_actions->addTo(jobs);

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

    QToolBar *toolBar = addToolBar(tr("Job actions"));
    toolBar->setObjectName(QStringLiteral("jobToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_actions->addTo(toolBar);

    connect(m_actions->runNow(), &QAction::triggered, this, &MainWindow::runNow);
    connect(m_actions->backfill(), &QAction::triggered, this, &MainWindow::runPastOccurrence);
    connect(m_actions->pause(), &QAction::triggered, this, &MainWindow::pauseSelected);
    connect(m_actions->resume(), &QAction::triggered, this, &MainWindow::resumeSelected);
    connect(m_actions->cancel(), &QAction::triggered, this, &MainWindow::cancelCurrent);
    connect(m_actions->preview(), &QAction::triggered, this, &MainWindow::previewSchedule);

    auto *trayMenu = new QMenu(this);
    trayMenu->addAction(tr("Show Job Console"), this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    trayMenu->addAction(quitAction);
    m_tray = new TrayNotifier(windowIcon(), trayMenu, this);
    connect(m_tray, &TrayNotifier::showWindowRequested, this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    connect(m_tray, &TrayNotifier::runActivated, this, &MainWindow::showRun);
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
        m_splitter->restoreState(settings->viewState(QStringLiteral("mainSplitter")));
        selected = settings->selectedJobs();
    }
    QItemSelection selection;
    QModelIndex current;
    for (const QString &job : selected) {
        const int row = m_model->rowOf(job);
        if (row < 0)
            continue;
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        selection.select(index, index);
        if (!current.isValid())
            current = index;
    }
    if (!current.isValid() && m_proxy->rowCount() > 0) {
        current = m_proxy->index(0, 0);
        selection.select(current, current);
    }
    if (current.isValid()) {
        m_table->selectionModel()->setCurrentIndex(current, QItemSelectionModel::NoUpdate);
        m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
        currentJobChanged();
    }
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
    settings->setViewState(QStringLiteral("mainSplitter"), m_splitter->saveState());
    settings->setSelectedJobs(selectedJobs());
    settings->sync();
}

void MainWindow::selectJob(const QString &job)
{
    const int row = m_model->rowOf(job);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

QStringList MainWindow::selectedJobs() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    QStringList jobs;
    for (const int row : rows)
        jobs.append(m_proxy->index(row, 0).data(JobTableModel::JobNameRole).toString());
    return jobs;
}

const JobOverview *MainWindow::currentJob() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row()))
        return nullptr;
    return m_model->job(current.data(JobTableModel::JobNameRole).toString());
}

void MainWindow::currentJobChanged()
{
    const JobOverview *job = currentJob();
    const QString name = job ? job->name : QString();
    if (name != m_shownJob) {
        // Setting the job shown again would re-read it: only a change goes to the panes.
        m_shownJob = name;
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
    if (job && job->lastRun && job->lastRun->outcome == RunOutcome::Running)
        history->setLiveProgress(job->lastRun->id, job->progress());
}

void MainWindow::updateActions()
{
    QList<const JobOverview *> selected;
    for (const QString &name : selectedJobs()) {
        if (const JobOverview *job = m_model->job(name))
            selected.append(job);
    }
    m_actions->update(selected, currentJob(), m_model->now());
}

void MainWindow::runNow()
{
    const JobOverview *job = currentJob();
    if (!job)
        return;
    const QString name = job->name;
    RunNowDialog dialog(name, job->schedule, m_setup.clock->now(), job->isRunning(),
                        overlapPolicyOf(name), this);
    dialog.setObjectName(QStringLiteral("runNowDialog"));
    // A job that moves money shows its dry run's figures first (and what already ran for the
    // period); while the job runs, its overlap policy decides and the warning says how.
    std::unique_ptr<ManualRunPreview> preview;
    const CatalogEntry *entry = JobCatalog::find(name);
    if (entry && entry->previewManualRuns && m_operations->scheduler() && !job->isRunning()) {
        preview = std::make_unique<ManualRunPreview>(m_operations->scheduler(), m_reader, name,
                                                     m_operations->user());
        dialog.expectPreview();
        connect(preview.get(), &ManualRunPreview::progressed, &dialog,
                &RunNowDialog::showPreviewProgress);
        connect(preview.get(), &ManualRunPreview::finished, &dialog, &RunNowDialog::showPreview);
        connect(preview.get(), &ManualRunPreview::unavailable, &dialog,
                &RunNowDialog::showPreviewUnavailable);
        connect(preview.get(), &ManualRunPreview::alreadyDone, &dialog,
                &RunNowDialog::showDoneBefore);
        connect(preview.get(), &ManualRunPreview::earlierRunUnknown, &dialog,
                &RunNowDialog::showDoneBeforeUnknown);
        preview->start();
    }
    if (dialog.exec() != QDialog::Accepted || !dialog.confirmWhenDoneBefore())
        return;
    preview.reset(); // a dry run still going is cancelled: the admin has decided
    const auto started = m_operations->runNow(name, dialog.dryRun(), dialog.reason());
    if (!started)
        showError(tr("\"%1\" did not start").arg(name), started.error());
}

// The dialog offers the occurrences of the schedule this console's scheduler runs the job on
// (stored overrides applied), the one Scheduler::runNow checks the chosen instant against.
void MainWindow::runPastOccurrence()
{
    const JobOverview *job = currentJob();
    Scheduler *scheduler = m_operations->scheduler();
    if (!job || !scheduler)
        return;
    const QString name = job->name;
    const std::optional<JobStatus> status = scheduler->jobStatus(name);
    BackfillDialog dialog(name, status ? status->schedule : job->schedule, m_setup.clock->now(),
                          job->isRunning(), overlapPolicyOf(name), this);
    dialog.setObjectName(QStringLiteral("backfillDialog"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto started =
        m_operations->runNow(name, dialog.dryRun(), dialog.reason(), dialog.occurrence());
    if (!started)
        showError(tr("\"%1\" did not start").arg(name), started.error());
}

OverlapPolicy MainWindow::overlapPolicyOf(const QString &job) const
{
    for (const JobDefinition &definition : m_setup.jobs) {
        if (definition.name == job)
            return definition.policies.overlap;
    }
    return OverlapPolicy::Skip;
}

void MainWindow::pauseSelected()
{
    QStringList jobs;
    const qint64 now = m_model->now().toMSecsSinceEpoch();
    for (const QString &name : selectedJobs()) {
        const JobOverview *job = m_model->job(name);
        if (job && !(job->pause && job->pause->isActiveAt(now)))
            jobs.append(name);
    }
    if (jobs.isEmpty())
        return;
    PauseDialog dialog(jobs.join(QStringLiteral(", ")), *m_setup.clock, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    for (const QString &job : jobs)
        m_operations->pause(job, dialog.reason(), dialog.resumeAt());
}

void MainWindow::resumeSelected()
{
    const qint64 now = m_model->now().toMSecsSinceEpoch();
    for (const QString &name : selectedJobs()) {
        const JobOverview *job = m_model->job(name);
        if (job && job->pause && job->pause->isActiveAt(now))
            m_operations->resume(name);
    }
}

void MainWindow::cancelCurrent()
{
    const JobOverview *job = currentJob();
    if (!job || !job->isRunning())
        return;
    const QString where = job->isRunningElsewhere()
                              ? tr("It runs on %1, which stops it at its next heartbeat.")
                                    .arg(job->lastRun->instanceId)
                              : tr("It runs in this console and stops at its next check.");
    QMessageBox box(QMessageBox::Question, tr("Cancel run"),
                    tr("Cancel the running run of \"%1\"?").arg(job->name),
                    QMessageBox::Yes | QMessageBox::No, this);
    // Work a run has committed is not undone by its cancel (the top-up's batches each commit
    // on their own): the admin decides knowing how much that is.
    QString done;
    if (const QString progress = RunFormat::progressText(job->progress()); !progress.isEmpty())
        done = u' ' + tr("What it has done so far stays done: %1.").arg(progress);
    box.setInformativeText(where + done + u' ' + tr("The run is recorded as cancelled."));
    box.setDefaultButton(QMessageBox::No);
    if (box.exec() != QMessageBox::Yes)
        return;
    // The row may have changed while the question was open: look it up again.
    if (const JobOverview *still = m_model->job(job->name))
        m_operations->cancel(*still);
}

void MainWindow::previewSchedule()
{
    const JobOverview *job = currentJob();
    if (!job)
        return;
    auto *dialog = new SchedulePreviewDialog(job->name, job->schedule, m_setup.clock->now(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showRun(qint64 runId)
{
    if (runId <= 0)
        return;
    // The dialog reads the run off the GUI thread and follows it while it is live.
    auto *dialog = new RunDetailsDialog(m_reader, runId, *m_setup.clock, this);
    dialog->setObjectName(QStringLiteral("runDetails"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::openSettings()
{
    if (!m_setup.settings || !m_setup.vault)
        return;
    // The jobs' stored settings are read off the GUI thread; the dialog opens when they arrive.
    auto database = m_reader->database();
    m_reader->read<Expected<QHash<QString, QJsonObject>, QString>>(
        this, [database](ConnectionFactory &) { return JobSettingsStore(database).all(); },
        [this](const Expected<QHash<QString, QJsonObject>, QString> &stored) {
            if (!stored)
                return showError(
                    tr("Settings"),
                    tr("The jobs' settings could not be read: %1").arg(stored.error()));
            // Each job's schedule and policies first, defaulting to what its built-in
            // definition does, then its own settings.
            const QList<JobDefinition> builtIn =
                JobCatalog::builtInJobs(m_reader->database(), QTimeZone::systemTimeZone());
            QList<JobSettingsSection> sections;
            for (qsizetype i = 0; i < JobCatalog::entries().size(); ++i) {
                const CatalogEntry &entry = JobCatalog::entries().at(i);
                sections.append({entry.name,
                                 JobOverrides::settingSpecs(builtIn.at(i)) + entry.specs,
                                 stored->value(entry.name)});
            }
            // Opened, not exec()'d: no event loop nested in the delivery of a reply, which
            // would go on delivering (and could destroy this window) under it.
            const bool wasRunningHere = m_setup.settings->runJobsHere();
            auto *dialog = new SettingsDialog(*m_setup.settings, *m_setup.vault, sections, this);
            dialog->setObjectName(QStringLiteral("settingsDialog"));
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setNow(m_setup.clock->now());
            if (const JobOverview *job = currentJob())
                dialog->showJob(job->name);
            connect(dialog, &QDialog::accepted, this, [this, dialog, wasRunningHere] {
                applySettings(dialog->changedJobSettings(),
                              dialog->databaseChanged() ||
                                  wasRunningHere != m_setup.settings->runJobsHere());
            });
            dialog->open();
        });
}

void MainWindow::applySettings(const QHash<QString, QJsonObject> &jobSettings, bool restartNeeded)
{
    TimeDisplay::setZone(m_setup.settings->displayZone());
    m_feed->refreshNow();
    m_history->refresh();
    m_errors->refresh();
    m_changes->refresh();
    if (!jobSettings.isEmpty()) {
        auto database = m_reader->database();
        const QString user = m_setup.user;
        const qint64 now = m_setup.clock->now().toMSecsSinceEpoch();
        m_reader->read<QString>(
            this,
            [database, jobSettings, user, now](ConnectionFactory &) {
                JobSettingsStore store(database);
                for (auto it = jobSettings.cbegin(); it != jobSettings.cend(); ++it) {
                    if (auto saved = store.set(it.key(), it.value(), user, now); !saved)
                        return it.key() + QStringLiteral(": ") + saved.error();
                }
                return QString();
            },
            [this](const QString &error) {
                if (!error.isEmpty())
                    return showError(tr("The jobs' settings were not saved"), error);
                // Every running scheduler (this console's too) reads them at its next poll.
                m_status->showMessage(tr("Jobs' settings saved in the database. Running "
                                         "schedulers apply them within seconds."),
                                      15000);
                m_changes->refresh();
            });
    }
    if (restartNeeded) {
        QMessageBox::information(this, tr("Settings"),
                                 tr("The database or the scheduler mode changed. Quit and start "
                                    "Job Console again to use them."));
    }
}

void MainWindow::showError(const QString &title, const QString &message)
{
    // Not modal to the application: a failure must not stop the window from updating.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// The header above the table, the window title and the tray icon say whether all is well,
// from the table's own facts (JobsAtAGlance), each time they change.
void MainWindow::updateGlance()
{
    const JobsAtAGlance glance = m_model->glance();
    const bool attention = glance.level == JobsAtAGlance::Level::NeedsAttention;
    if (m_glance->text() == glance.text && m_glanceAttention == attention)
        return;
    m_glanceAttention = attention;
    m_glance->setText(glance.text);
    QPalette palette = m_glance->palette();
    palette.setColor(QPalette::WindowText,
                     attention ? QColor(0xc0, 0x39, 0x2b) : QColor(0x2e, 0x9d, 0x4f));
    m_glance->setPalette(palette);
    QFont font = m_glance->font();
    font.setBold(attention);
    m_glance->setFont(font);
    setWindowTitle(attention ? QStringLiteral("⚠ %1 — %2")
                                   .arg(glance.problems == 1
                                            ? tr("1 job needs attention")
                                            : tr("%1 jobs need attention").arg(glance.problems),
                                        m_title)
                             : m_title);
    if (m_tray)
        m_tray->setGlance(glance.text, attention);
}

// Re-reads what the window shows now, instead of at the next poll (F5).
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
    box.setInformativeText(tr("Quitting stops them; they are recorded as cancelled. Quit anyway?"));
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
