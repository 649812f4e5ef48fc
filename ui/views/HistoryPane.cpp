#include "views/HistoryPane.h"

#include "views/ProgressDelegate.h"

#include "data/TimeDisplay.h"
#include "models/RunFormat.h"
#include "models/RunHistoryModel.h"
#include "views/DateRangeFilter.h"
#include "views/RunDurationChart.h"
#include "views/RunTableView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace jc {

namespace {

// The Outcome column shows its widest text whole: "not responding" (a run whose process is
// gone), with its dot, as the table's delegate lays a cell out (16 average characters cut it
// to "not resp…").
int outcomeColumnWidth(const QTableView &table)
{
    QStringList texts{RunFormat::notRespondingText()};
    for (int outcome = 0; outcome <= static_cast<int>(RunOutcome::Missed); ++outcome)
        texts.append(RunFormat::outcomeText(static_cast<RunOutcome>(outcome)) +
                     QStringLiteral(" (×99)"));
    QStandardItemModel sample(int(texts.size()), 1);
    for (int row = 0; row < texts.size(); ++row) {
        sample.setData(sample.index(row, 0), texts.at(row), Qt::DisplayRole);
        sample.setData(sample.index(row, 0), RunFormat::outcomeIcon(RunOutcome::Succeeded),
                       Qt::DecorationRole);
    }
    QStyleOptionViewItem option;
    option.initFrom(&table);
    option.widget = &table;
    int widest = 0;
    for (int row = 0; row < texts.size(); ++row)
        widest =
            std::max(widest, table.itemDelegate()->sizeHint(option, sample.index(row, 0)).width());
    return widest + table.fontMetrics().averageCharWidth() * 2;
}

} // namespace

HistoryPane::HistoryPane(DatabaseReader *reader, const Clock &clock, QWidget *parent)
    : QWidget(parent)
    , m_clock(clock)
    , m_model(new RunHistoryModel(reader, this))
{
    setObjectName(QStringLiteral("historyPane"));

    auto *bar = new QWidget(this);
    buildFilters(bar);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("historyMessage"));
    m_message->setWordWrap(false);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_chart = new RunDurationChart(m_clock, this);

    m_table = new RunTableView(this);
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setAccessibleName(tr("Runs of the selected job"));
    m_table->setModel(m_model);
    // A running run's outcome is its progress bar.
    m_table->setItemDelegateForColumn(RunHistoryModel::Outcome, new ProgressDelegate(m_table));
    const int charWidth = fontMetrics().averageCharWidth();
    // Times in full: "Nov 28 07:10:00 CET" (a wide sample day and zone).
    const int timeWidth = fontMetrics().horizontalAdvance(TimeDisplay::shortDateTime(
                              QDateTime(QDate(2026, 12, 28), QTime(22, 59, 59), Qt::UTC))) +
                          4 * charWidth;
    m_table->setColumnWidth(RunHistoryModel::Trigger, charWidth * 14);
    m_table->setColumnWidth(RunHistoryModel::Occurrence, timeWidth);
    m_table->setColumnWidth(RunHistoryModel::Start, timeWidth);
    m_table->setColumnWidth(RunHistoryModel::Duration, charWidth * 14);
    m_table->setColumnWidth(RunHistoryModel::Outcome, outcomeColumnWidth(*m_table));
    m_table->setColumnWidth(RunHistoryModel::Who, charWidth * 14);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_splitter = splitter;
    splitter->setObjectName(QStringLiteral("historySplitter"));
    splitter->addWidget(m_chart);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_table, &RunTableView::runActivated, this, &HistoryPane::runActivated);

    // The chart follows the newest rows; coalesce a burst of model changes into one update.
    m_chartUpdate = new QTimer(this);
    m_chartUpdate->setObjectName(QStringLiteral("chartUpdate"));
    m_chartUpdate->setSingleShot(true);
    m_chartUpdate->setInterval(0);
    connect(m_chartUpdate, &QTimer::timeout, this, &HistoryPane::updateChart);
    const auto chartChanged = [this] { m_chartUpdate->start(); };
    connect(m_model, &QAbstractItemModel::modelReset, this, chartChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, chartChanged);
    connect(m_model, &QAbstractItemModel::dataChanged, this, chartChanged);
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first) {
                if (first < RunDurationChart::MaxRuns * 2) // pages far down do not show
                    m_chartUpdate->start();
            });
    connect(m_model, &PagedRunModel::loaded, this, &HistoryPane::showState);
    connect(m_model, &PagedRunModel::loadFailed, this, &HistoryPane::showState);

    showState();
}

void HistoryPane::buildFilters(QWidget *bar)
{
    m_title = new QLabel(bar);
    m_title->setObjectName(QStringLiteral("historyTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);

    m_outcomes = new QComboBox(bar);
    m_outcomes->setObjectName(QStringLiteral("outcomeFilter"));
    m_outcomes->setAccessibleName(tr("Outcome filter"));
    m_outcomes->addItem(tr("All outcomes"), static_cast<int>(OutcomeFilter::All));
    m_outcomes->addItem(tr("Problems"), static_cast<int>(OutcomeFilter::Problems));
    m_outcomes->addItem(tr("Succeeded"), static_cast<int>(OutcomeFilter::Succeeded));
    m_outcomes->addItem(tr("Cancelled"), static_cast<int>(OutcomeFilter::Cancelled));
    m_outcomes->addItem(tr("Skipped or missed"), static_cast<int>(OutcomeFilter::SkippedOrMissed));
    m_outcomes->addItem(tr("Running"), static_cast<int>(OutcomeFilter::Running));
    m_outcomes->setItemData(1, tr("Failed, timed out, abandoned, interrupted or missed"),
                            Qt::ToolTipRole);

    m_range = new DateRangeFilter(DateRangeFilter::Preset::AllTime, m_clock, bar);
    m_range->setObjectName(QStringLiteral("historyRange"));

    m_chartToggle = new QToolButton(bar);
    m_chartToggle->setObjectName(QStringLiteral("chartToggle"));
    m_chartToggle->setText(tr("Chart"));
    m_chartToggle->setToolTip(tr("Show or hide the chart of recent run durations"));
    m_chartToggle->setAccessibleName(tr("Duration chart"));
    m_chartToggle->setCheckable(true);
    m_chartToggle->setChecked(true);

    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_title, 1);
    layout->addWidget(m_outcomes);
    layout->addWidget(m_range);
    layout->addWidget(m_chartToggle);

    connect(m_outcomes, &QComboBox::currentIndexChanged, this, &HistoryPane::applyFilter);
    connect(m_range, &DateRangeFilter::changed, this, &HistoryPane::applyFilter);
    connect(m_chartToggle, &QToolButton::toggled, this, [this](bool shown) {
        m_chart->setVisible(shown);
        if (shown)
            updateChart();
    });
}

void HistoryPane::setOutcomeFilter(OutcomeFilter filter)
{
    m_outcomes->setCurrentIndex(m_outcomes->findData(static_cast<int>(filter)));
}

void HistoryPane::setJob(const QString &job)
{
    if (job == m_model->job() && !job.isEmpty()) {
        refresh();
        return;
    }
    if (m_range->renew())
        m_model->slideSince(m_range->since());
    m_model->setJob(job);
    // A new job keeps the filters but not the view's place.
    m_table->scrollToTop();
    showState();
}

void HistoryPane::refresh()
{
    if (m_range->renew())
        m_model->slideSince(m_range->since());
    if (!m_model->job().isEmpty())
        m_model->refresh();
}

void HistoryPane::applyFilter()
{
    m_model->setFilter(chosenOutcomes(), m_range->since(), m_range->until());
    QStringList filters;
    if (static_cast<OutcomeFilter>(m_outcomes->currentData().toInt()) != OutcomeFilter::All)
        filters.append(m_outcomes->currentText());
    if (m_range->preset() != DateRangeFilter::Preset::AllTime)
        filters.append(m_range->text());
    m_chart->setFilters(filters.join(QStringLiteral(", ")));
    m_table->scrollToTop();
    showState();
}

QList<RunOutcome> HistoryPane::chosenOutcomes() const
{
    switch (static_cast<OutcomeFilter>(m_outcomes->currentData().toInt())) {
    case OutcomeFilter::All:
        return {};
    case OutcomeFilter::Problems:
        return {RunOutcome::Failed, RunOutcome::TimedOut, RunOutcome::Abandoned,
                RunOutcome::Interrupted, RunOutcome::Missed};
    case OutcomeFilter::Succeeded:
        return {RunOutcome::Succeeded};
    case OutcomeFilter::Cancelled:
        return {RunOutcome::Cancelled};
    case OutcomeFilter::SkippedOrMissed:
        return {RunOutcome::Skipped, RunOutcome::Missed};
    case OutcomeFilter::Running:
        return {RunOutcome::Running};
    }
    return {};
}

void HistoryPane::updateChart()
{
    if (m_chart->isVisibleTo(this))
        m_chart->setRuns(m_model->runs());
}

void HistoryPane::showState()
{
    const QString job = m_model->job();
    m_title->setText(job.isEmpty() ? tr("Select a job to see its runs")
                                   : tr("Runs of %1").arg(job));
    const QString &error = m_model->lastError();
    if (error.isEmpty()) {
        m_message->hide();
        return;
    }
    // One line; the whole message in the tooltip.
    m_message->setText(tr("Could not load the history: %1").arg(error.section(u'\n', 0, 0)));
    m_message->setToolTip(error);
    m_message->setStyleSheet(QStringLiteral("color: #d93b3b;"));
    m_message->show();
}

QByteArray HistoryPane::splitterState() const
{
    return m_splitter->saveState();
}

bool HistoryPane::restoreSplitterState(const QByteArray &state)
{
    return m_splitter->restoreState(state);
}

} // namespace jc
