#pragma once

#include "storage/RunHistory.h"

#include <QDialog>
#include <QHash>

#include <chrono>

class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QSplitter;
class QTableWidget;
class QTimer;

namespace jc {

class Clock;
class DatabaseReader;
class ProblemLabel;

// Everything about one run: timing (occurrence, start, end, duration), trigger, who and why,
// attempts, instance, the summary counts, the error text and the run's log lines with their
// fields. "Copy" puts all of it on the clipboard as text.
//
// Reads through the DatabaseReader, off the GUI thread. While the run is `running` it polls
// every second (setPollInterval) for new log lines (logLines(runId, lastSeq)) and the run's
// row; when the row says the run ended, the header updates, the last lines are fetched once
// more and polling stops. A running run whose holder no longer answers (RunLiveness at the
// clock's now) says so in its status, its duration ends at its last heartbeat, and the line
// below the header says why instead of "follows live". Replies that arrive after the dialog
// is gone are dropped by the reader; at most one query of each kind is in flight.
//
// objectNames for tests: <field>Value labels (jobValue, statusValue, triggerValue,
// occurrenceValue, startedValue, finishedValue, durationValue, attemptsValue, instanceValue,
// requestedByValue, reasonValue, progressValue), summaryTable, errorText, logTable,
// followLabel, loadError, copyButton.
class RunDetailsDialog : public QDialog
{
    Q_OBJECT
public:
    // `clock`: the console's: a running run's duration so far counts to its now.
    RunDetailsDialog(DatabaseReader *reader, qint64 runId, const Clock &clock,
                     QWidget *parent = nullptr);

    void setPollInterval(std::chrono::milliseconds interval);
    bool isFollowing() const;
    // What Copy puts on the clipboard.
    QString detailsText() const;

signals:
    // The run's row was read (first time and on every change while following).
    void runLoaded();

private:
    enum class Field {
        Job,
        Status,
        Trigger,
        Occurrence,
        Started,
        Finished,
        Duration,
        Attempts,
        Instance,
        RequestedBy,
        Reason,
        Progress
    };

    void buildHeader(QFormLayout *left, QFormLayout *right);
    void requestRun();
    void requestLog();
    void poll();
    void showRun(const StoredRun &run);
    void showSummary(const QJsonObject &summary);
    void appendLog(const QList<StoredLogLine> &lines);
    void showLoadError(const QString &error);
    void copyToClipboard();
    QString fieldText(Field field) const;

    DatabaseReader *m_reader;
    qint64 m_runId;
    const Clock &m_clock;
    std::optional<StoredRun> m_run;
    QList<StoredLogLine> m_log;
    int m_lastSeq = -1;
    bool m_runInFlight = false;
    bool m_logInFlight = false;
    bool m_logAgain = false; // ask for lines once more after the one in flight
    bool m_following = false;

    QHash<Field, QLabel *> m_fields;
    QList<std::pair<Field, QString>> m_captions;
    QLabel *m_followLabel = nullptr;
    ProblemLabel *m_loadError = nullptr;
    QTableWidget *m_summary = nullptr;
    QPlainTextEdit *m_error = nullptr;
    QTableWidget *m_logTable = nullptr;
    QSplitter *m_splitter = nullptr;
    bool m_splitSized = false;
    QTimer *m_poll = nullptr;
};

} // namespace jc
