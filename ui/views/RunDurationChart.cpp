#include "views/RunDurationChart.h"
#include "engine/Clock.h"

#include "data/TimeDisplay.h"
#include "views/TimeAxisTicks.h"

#include <QCategoryAxis>
#include <QEvent>
#include <QFont>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>

namespace jc {

namespace {

struct Unit
{
    double msecs;
    QString name;
};

Unit unitFor(qint64 longestMSecs)
{
    if (longestMSecs < 120'000)
        return {1000.0, RunDurationChart::tr("s")};
    if (longestMSecs < 7'200'000)
        return {60'000.0, RunDurationChart::tr("min")};
    return {3'600'000.0, RunDurationChart::tr("h")};
}

// The least span the time axis shows: one run, or runs a moment apart, in the middle of it.
constexpr qint64 LeastSpanMSecs = 120'000;

bool charted(const StoredRun &run)
{
    return run.startedAt.isValid() && run.finishedAt.isValid() &&
           run.outcome != RunOutcome::Running && run.outcome != RunOutcome::Skipped &&
           run.outcome != RunOutcome::Missed && !run.dryRun;
}

} // namespace

RunDurationChart::RunDurationChart(const Clock &clock, QWidget *parent)
    : QChartView(parent)
    , m_clock(clock)
{
    setObjectName(QStringLiteral("durationChart"));
    setAccessibleName(tr("Run durations"));
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(170);

    auto *chart = new QChart;
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    QFont titleFont = chart->titleFont(); // a caption, not a heading: the pane has its title
    titleFont.setBold(false);
    chart->setTitleFont(titleFont);

    m_durations = new QLineSeries(chart);
    m_durations->setName(tr("Duration"));
    m_durations->setPointsVisible(true);
    m_failures = new QScatterSeries(chart);
    m_failures->setName(tr("Failed"));
    m_failures->setMarkerSize(9.0);
    m_failures->setColor(QColor(0xd9, 0x3b, 0x3b));
    m_failures->setBorderColor(QColor(0xd9, 0x3b, 0x3b).darker(130));
    chart->addSeries(m_durations);
    chart->addSeries(m_failures);

    // Labels of its own rather than a QDateTimeAxis: that one writes its labels in the
    // machine's local time whatever the zone of its range, so in UTC display on a machine
    // elsewhere the chart's hours differed from the tables' (and it named no zone).
    m_timeAxis = new QCategoryAxis(chart);
    m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_durationAxis = new QValueAxis(chart);
    m_durationAxis->setMin(0.0);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_durationAxis, Qt::AlignLeft);
    for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(m_durations),
                                    static_cast<QAbstractSeries *>(m_failures)}) {
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_durationAxis);
    }
    // QChartView's constructor made a chart of its own; setChart() releases it without
    // deleting it (Qt's documented ownership rule), so it is deleted here (LeakSanitizer
    // found it).
    QChart *unused = this->chart();
    setChart(chart);
    delete unused;
    applyTheme();
    setRuns({});
}

void RunDurationChart::setRuns(const std::deque<StoredRun> &newestFirst)
{
    QList<const StoredRun *> runs;
    Shown next;
    for (const StoredRun &run : newestFirst) {
        if (!charted(run))
            continue;
        if (runs.size() >= MaxRuns) {
            next.capped = true;
            break;
        }
        runs.append(&run);
        next.longestMSecs = std::max(next.longestMSecs, run.startedAt.msecsTo(run.finishedAt));
    }
    std::reverse(runs.begin(), runs.end()); // oldest on the left

    const Unit unit = unitFor(next.longestMSecs);
    for (const StoredRun *run : std::as_const(runs)) {
        const QPointF point(static_cast<double>(run->startedAt.toMSecsSinceEpoch()),
                            static_cast<double>(run->startedAt.msecsTo(run->finishedAt)) /
                                unit.msecs);
        next.durations.append(point);
        if (isProblem(run->outcome))
            next.failures.append(point);
    }
    next.utc = TimeDisplay::zone() == TimeDisplay::Zone::Utc;
    if (runs.isEmpty()) {
        next.emptySpanEndMinute = m_clock.now().toMSecsSinceEpoch() / 60'000;
        next.emptyTitle = m_emptyTitle;
    }
    if (m_shown == next)
        return;
    draw(next);
    m_shown = std::move(next);
}

void RunDurationChart::draw(const Shown &shown)
{
    m_durations->replace(shown.durations);
    m_failures->replace(shown.failures);

    const Unit unit = unitFor(shown.longestMSecs);
    if (shown.durations.isEmpty()) {
        const qint64 now = m_clock.now().toMSecsSinceEpoch();
        setTimeRange(now - 3'600'000, now);
        m_durationAxis->setRange(0.0, 1.0);
        chart()->setTitle(shown.emptyTitle);
    } else {
        qint64 first = static_cast<qint64>(shown.durations.constFirst().x());
        qint64 last = static_cast<qint64>(shown.durations.constLast().x());
        if (last - first < LeastSpanMSecs) {
            const qint64 pad = (LeastSpanMSecs - (last - first)) / 2;
            first -= pad;
            last += pad;
        }
        setTimeRange(first, last);
        m_durationAxis->setRange(
            0.0, std::max(0.1, static_cast<double>(shown.longestMSecs) / unit.msecs * 1.1));
        m_durationAxis->applyNiceNumbers();
        // Said only when the list holds more runs than are charted: a chart of all of them
        // needs no caption, and the chart is short.
        chart()->setTitle(shown.capped ? tr("The newest %1 finished runs of those listed")
                                             .arg(static_cast<int>(shown.durations.size()))
                                       : QString());
    }
    // The unit in the labels rather than an axis title: the chart is short.
    m_durationAxis->setLabelFormat(QStringLiteral("%.3g ") + unit.name);
    setToolTip(tr("Durations of the last %n finished run(s); red: failed", nullptr,
                  static_cast<int>(shown.durations.size())));
}

void RunDurationChart::setTimeRange(qint64 firstMSecs, qint64 lastMSecs)
{
    const QStringList previous = m_timeAxis->categoriesLabels();
    for (const QString &label : previous)
        m_timeAxis->remove(label);
    m_timeAxis->setRange(static_cast<double>(firstMSecs), static_cast<double>(lastMSecs));
    m_timeAxis->setStartValue(static_cast<double>(firstMSecs));
    // Each label ends a category, at its tick.
    const QList<TimeAxisTicks::Tick> ticks = TimeAxisTicks::between(firstMSecs, lastMSecs);
    for (const TimeAxisTicks::Tick &tick : ticks)
        m_timeAxis->append(tick.label, static_cast<double>(tick.msecs));
}

QStringList RunDurationChart::timeLabels() const
{
    return m_timeAxis->categoriesLabels();
}

QString RunDurationChart::emptyTitleFor(const QString &filters)
{
    return filters.isEmpty() ? tr("No finished runs to chart")
                             : tr("No finished runs to chart among those shown (%1): change the "
                                  "filter to see the others")
                                   .arg(filters);
}

void RunDurationChart::setFilters(const QString &filters)
{
    const QString title = emptyTitleFor(filters);
    if (title == m_emptyTitle)
        return;
    m_emptyTitle = title;
    if (m_shown && m_shown->durations.isEmpty()) {
        m_shown->emptyTitle = title;
        chart()->setTitle(title);
    }
}

QString RunDurationChart::title() const
{
    return chart()->title();
}

int RunDurationChart::pointCount() const
{
    return static_cast<int>(m_durations->count());
}

int RunDurationChart::failureCount() const
{
    return static_cast<int>(m_failures->count());
}

void RunDurationChart::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
}

void RunDurationChart::applyTheme()
{
    // Follow the system light or dark palette; the theme resets the series' colours.
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart()->setBackgroundBrush(palette().brush(QPalette::Base));
    m_failures->setColor(QColor(0xd9, 0x3b, 0x3b));
    m_failures->setBorderColor(QColor(0xd9, 0x3b, 0x3b).darker(130));
    m_failures->setMarkerSize(9.0);
}

} // namespace jc
