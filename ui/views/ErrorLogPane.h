#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTimer;

namespace jc {

class Clock;
class DatabaseReader;
class DateRangeFilter;
class RunTableView;
class ErrorLogModel;

// "What went wrong this week": every failed, timed-out, interrupted, abandoned or missed run
// across jobs with its error, newest first and lazily paged (ErrorLogModel). A search field
// (applied after a short pause in typing, or at once on Enter; the search runs in SQL and
// ignores case), a job filter and a time range (last 7 days at first).
//
// Thread: GUI thread.
class ErrorLogPane : public QWidget
{
    Q_OBJECT
public:
    // `clock`: the console's, for the time-range presets.
    ErrorLogPane(DatabaseReader *reader, const Clock &clock, QWidget *parent = nullptr);

    // How long typing must pause before the search runs.
    static constexpr int SearchDelayMSecs = 300;

    // The jobs the job filter offers (after "All jobs"); the chosen one stays if still there.
    void setJobs(const QStringList &jobs);

    ErrorLogModel *model() const { return m_model; }
    RunTableView *table() const { return m_table; }
    QLineEdit *searchField() const { return m_search; }
    QComboBox *jobFilter() const { return m_jobs; }
    DateRangeFilter *rangeFilter() const { return m_range; }

public slots:
    // Re-reads the newest page and merges it (see PagedRunModel::refresh()).
    void refresh();
    // Puts the keyboard in the search field, its text selected (Ctrl+F in the main window).
    void focusSearch();

signals:
    // Double-click or Enter on a run.
    void runActivated(qint64 runId);

private:
    QWidget *buildFilters();
    void applyFilter();
    void showState();

    const Clock &m_clock;
    ErrorLogModel *m_model = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_jobs = nullptr;
    DateRangeFilter *m_range = nullptr;
    QLabel *m_message = nullptr;
    RunTableView *m_table = nullptr;
    QTimer *m_searchDelay = nullptr;
};

} // namespace jc
