#pragma once

#include "storage/RunHistory.h"

#include <QChartView>

#include <deque>
#include <optional>

class QCategoryAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace jc {

class Clock;
// The history pane's chart: the durations of a job's recent finished runs as a line over
// their start times, failures (RunOutcome's isProblem) marked with red dots. Runs that did not
// run (skipped, missed), are still running, or were dry runs (which change nothing and take
// next to no time: they pulled the line down to 0) are left out. The duration axis picks seconds,
// minutes or hours from the longest run; the time axis writes times as the tables do
// (TimeAxisTicks), in the display zone.
//
// Thread: GUI thread.
class RunDurationChart : public QChartView
{
    Q_OBJECT
public:
    // `clock`: the console's; an empty chart spans the hour before its now.
    explicit RunDurationChart(const Clock &clock, QWidget *parent = nullptr);

    // At most this many runs are charted (the newest).
    static constexpr int MaxRuns = 50;

    // Runs newest first, as the history model holds them; the first MaxRuns with a duration
    // are charted, and when there were more the chart's title says so. Leaves the chart alone when
    // that changes nothing it shows: the history model changes with every progress report of a
    // running run (left out of the chart), and each real update re-lays the chart out (axes, label
    // text) at several ms of GUI time.
    void setRuns(const std::deque<StoredRun> &newestFirst);
    // The filters that choose the runs given ("Cancelled, Last 7 days"; empty: none). An empty
    // chart names them, so that it is not read as a job without runs.
    void setFilters(const QString &filters);
    [[nodiscard]] QString title() const;

    // What is charted (for tests and accessibility).
    int pointCount() const;
    int failureCount() const;
    // The time axis' labels, left to right, as shown.
    QStringList timeLabels() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    // What the chart shows, to tell whether an update changes it.
    struct Shown
    {
        QList<QPointF> durations;
        QList<QPointF> failures;
        qint64 longestMSecs = 0;
        bool utc = false;
        qint64 emptySpanEndMinute = 0; // an empty chart's span moves with the minute
        QString emptyTitle;
        bool capped = false; // more finished runs were given than MaxRuns
        bool operator==(const Shown &) const = default;
    };

    void applyTheme();
    void draw(const Shown &shown);
    void setTimeRange(qint64 firstMSecs, qint64 lastMSecs);
    static QString emptyTitleFor(const QString &filters);

    const Clock &m_clock;
    std::optional<Shown> m_shown;
    QString m_emptyTitle = emptyTitleFor({});
    QLineSeries *m_durations = nullptr;
    QScatterSeries *m_failures = nullptr;
    QCategoryAxis *m_timeAxis = nullptr;
    QValueAxis *m_durationAxis = nullptr;
};

} // namespace jc
