#include "views/ErrorLogPane.h"

#include "data/TimeDisplay.h"
#include "models/ErrorLogModel.h"
#include "views/DateRangeFilter.h"
#include "views/RunTableView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QTimer>
#include <QVBoxLayout>

namespace jc {

ErrorLogPane::ErrorLogPane(DatabaseReader *reader, const Clock &clock, QWidget *parent)
    : QWidget(parent)
    , m_clock(clock)
    , m_model(new ErrorLogModel(reader, this))
{
    setObjectName(QStringLiteral("errorLogPane"));

    QWidget *bar = buildFilters();

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("errorLogMessage"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("color: #d93b3b;"));
    m_message->hide();

    m_table = new RunTableView(this);
    m_table->setObjectName(QStringLiteral("errorLogTable"));
    m_table->setAccessibleName(tr("Failed runs"));
    m_table->setModel(m_model);
    const int charWidth = fontMetrics().averageCharWidth();
    // Times in full: "Nov 28 07:10:00 CET" (a wide sample day and zone).
    const int timeWidth = fontMetrics().horizontalAdvance(TimeDisplay::shortDateTime(
                              QDateTime(QDate(2026, 12, 28), QTime(22, 59, 59), Qt::UTC))) +
                          4 * charWidth;
    m_table->setColumnWidth(ErrorLogModel::Start, timeWidth);
    m_table->setColumnWidth(ErrorLogModel::Job, charWidth * 22);
    m_table->setColumnWidth(ErrorLogModel::Outcome, charWidth * 16);
    m_table->setColumnWidth(ErrorLogModel::Trigger, charWidth * 12);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(bar);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);

    connect(m_table, &RunTableView::runActivated, this, &ErrorLogPane::runActivated);
    connect(m_model, &PagedRunModel::loaded, this, &ErrorLogPane::showState);
    connect(m_model, &PagedRunModel::loadFailed, this, &ErrorLogPane::showState);

    applyFilter();
}

QWidget *ErrorLogPane::buildFilters()
{
    auto *bar = new QWidget(this);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("errorSearch"));
    m_search->setPlaceholderText(tr("Search error text…"));
    m_search->setAccessibleName(tr("Search error text"));
    m_search->setClearButtonEnabled(true);

    m_jobs = new QComboBox(bar);
    m_jobs->setObjectName(QStringLiteral("errorJobFilter"));
    m_jobs->setAccessibleName(tr("Job filter"));
    m_jobs->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_jobs->addItem(tr("All jobs"), QString());

    m_range = new DateRangeFilter(DateRangeFilter::Preset::Last7Days, m_clock, bar);
    m_range->setObjectName(QStringLiteral("errorRange"));

    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_search, 1);
    layout->addWidget(m_jobs);
    layout->addWidget(m_range);

    // Typing waits for a pause; Enter and clearing search at once.
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(SearchDelayMSecs);
    connect(m_searchDelay, &QTimer::timeout, this, &ErrorLogPane::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            applyFilter();
        else
            m_searchDelay->start();
    });
    connect(m_search, &QLineEdit::returnPressed, this, &ErrorLogPane::applyFilter);
    connect(m_jobs, &QComboBox::currentIndexChanged, this, &ErrorLogPane::applyFilter);
    connect(m_range, &DateRangeFilter::changed, this, &ErrorLogPane::applyFilter);
    return bar;
}

void ErrorLogPane::setJobs(const QStringList &jobs)
{
    const QString chosen = m_jobs->currentData().toString();
    {
        const QSignalBlocker blocker(m_jobs);
        while (m_jobs->count() > 1)
            m_jobs->removeItem(1);
        for (const QString &job : jobs)
            m_jobs->addItem(job, job);
        const int index = m_jobs->findData(chosen);
        m_jobs->setCurrentIndex(index < 0 ? 0 : index);
    }
    if (m_jobs->currentData().toString() != chosen) // the chosen job went away
        applyFilter();
}

void ErrorLogPane::refresh()
{
    if (m_range->renew()) // "last 7 days" stays the last 7 days in a window left open
        m_model->slideSince(m_range->since());
    m_model->refresh();
}

void ErrorLogPane::applyFilter()
{
    m_searchDelay->stop();
    m_model->setFilter(m_jobs->currentData().toString(), m_search->text(), m_range->since(),
                       m_range->until());
    m_table->scrollToTop();
    showState();
}

void ErrorLogPane::showState()
{
    const QString &error = m_model->lastError();
    if (error.isEmpty()) {
        m_message->hide();
        return;
    }
    m_message->setText(tr("Could not load the error log: %1").arg(error.section(u'\n', 0, 0)));
    m_message->setToolTip(error);
    m_message->show();
}

void ErrorLogPane::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

} // namespace jc
