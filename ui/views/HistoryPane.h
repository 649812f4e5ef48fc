#pragma once

#include "engine/RunOutcome.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTimer;
class QSplitter;
class QToolButton;

namespace jc {

class Clock;
class DatabaseReader;
class DateRangeFilter;
class RunTableView;
class RunDurationChart;
class RunHistoryModel;

// The selected job's runs: a table, newest first and lazily paged (RunHistoryModel), filters
// by outcome and time range, and a collapsible chart of the recent runs' durations with the
// failures in red. Reads go through the DatabaseReader; a failed read shows as one line above
// the table until the next read succeeds.
//
// Thread: GUI thread.
class HistoryPane : public QWidget
{
    Q_OBJECT
public:
    // `clock`: the console's, for the time-range presets and the empty chart.
    HistoryPane(DatabaseReader *reader, const Clock &clock, QWidget *parent = nullptr);

    RunHistoryModel *model() const { return m_model; }
    RunTableView *table() const { return m_table; }
    RunDurationChart *chart() const { return m_chart; }
    DateRangeFilter *rangeFilter() const { return m_range; }
    // The outcome filter's choices, in combo order.
    enum class OutcomeFilter { All, Problems, Succeeded, Cancelled, SkippedOrMissed, Running };
    void setOutcomeFilter(OutcomeFilter filter);
    // The split between the chart and the runs, to keep across sessions (QSplitter's state).
    QByteArray splitterState() const;
    bool restoreSplitterState(const QByteArray &state);

public slots:
    // Shows `job`'s runs (empty: none). Setting the job shown already only refreshes.
    void setJob(const QString &job);
    // Re-reads the newest page and merges it; the rows below, the scroll position and the
    // selection stay. Cheap: call it every few seconds and when a run finishes.
    void refresh();

signals:
    // Double-click or Enter on a run.
    void runActivated(qint64 runId);

private:
    void buildFilters(QWidget *bar);
    void applyFilter();
    void updateChart();
    void showState();
    QList<RunOutcome> chosenOutcomes() const;

    const Clock &m_clock;
    RunHistoryModel *m_model = nullptr;
    QLabel *m_title = nullptr;
    QComboBox *m_outcomes = nullptr;
    DateRangeFilter *m_range = nullptr;
    QToolButton *m_chartToggle = nullptr;
    RunDurationChart *m_chart = nullptr;
    QLabel *m_message = nullptr;
    RunTableView *m_table = nullptr;
    QSplitter *m_splitter = nullptr;
    QTimer *m_chartUpdate = nullptr;
};

} // namespace jc
