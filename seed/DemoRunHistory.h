#pragma once

#include "common/Expected.h"
#include "storage/SqlDialect.h"

#include <QDateTime>
#include <QMap>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QString>
#include <QTimeZone>

#include <optional>
#include <utility>
#include <vector>

namespace jc {

// Run history for the demo: a few weeks of the daily jobs and a few months of top-ups in
// jc_runs / jc_run_logs, written as SqlRunJournal writes real runs (same columns, status and
// trigger texts, occurrence keys, log lines with fields, summaries shaped like the jobs'),
// with one of every outcome an admin must be able to read: failures with the databases' own
// error texts, a retry, a timeout, a cancel by an admin, an interrupted run, a missed
// occurrence caught up, manual runs with a reason, a dry run. Every time is relative to
// `now`, so the demo always looks fresh; every run is finished (nothing left `running`).
// The caller owns the transaction. Thread of the connection.
class DemoRunHistory
{
public:
    // What the demo's top-up adjustments granted in one period, by limit: the top-up runs'
    // summaries tell the same numbers as the credit_adjustments rows.
    struct TopUpTally
    {
        QMap<int, int> usersByLimit;
        QMap<int, qint64> creditsByLimit;
    };

    DemoRunHistory(QSqlDatabase db, SqlDialect dialect, QDateTime now, const QTimeZone &zone,
                   QRandomGenerator &random);
    ~DemoRunHistory();
    DemoRunHistory(const DemoRunHistory &) = delete;
    DemoRunHistory &operator=(const DemoRunHistory &) = delete;

    // Top-up tallies by period ("2026-11"); periods without one get invented numbers.
    void setTopUps(QMap<QString, TopUpTally> tallies) { m_topUps = std::move(tallies); }

    // The first-of-month occurrences the demo covers, oldest first (the top-up periods).
    static QList<QDateTime> monthlyOccurrences(const QDateTime &now, const QTimeZone &zone,
                                               int months);

    std::optional<QString> write();

    // Runs written per job, and per status over all jobs.
    [[nodiscard]] const QMap<QString, int> &runsByJob() const { return m_runsByJob; }
    [[nodiscard]] const QMap<QString, int> &runsByStatus() const { return m_runsByStatus; }

private:
    struct Run;
    struct TopUpShare;
    struct UploadTally;
    // A day of the history: its occurrence at the day's time, how many days before the latest
    // day that is over it is, and its place counted from the oldest.
    struct Day
    {
        QDateTime occurrence;
        qsizetype daysAgo = 0;
        qsizetype index = 0;
    };
    // Queues a run; write() stores them all in time order.
    void add(const Run &run);
    std::optional<QString> store(Run &run);
    // Inserts the run's jc_runs row; its id.
    Expected<qint64, QString> insertRow(const Run &run);
    void writePurchaseCleanups();
    void writeTopUps();
    // The period's tally, invented when the data set gave none.
    TopUpTally tallyFor(const QString &period);
    // The grants before a cancel (a third of each limit's users) and after it; all of them
    // after it when `cancelled` is false.
    static std::pair<TopUpShare, TopUpShare> splitAtCancel(const TopUpTally &tally, bool cancelled);
    // Makes `run` the top-up an admin cancelled after its first batch, which granted `first`.
    static void cancelTopUp(Run &run, const QString &period, const TopUpShare &first);
    // The manual run that finished the period `cancelled` stopped in.
    Run finishCancelledTopUp(const Run &cancelled, const QString &period);
    void writeUploadCleanups();
    UploadTally uploadTally(const Day &day);
    // The row that records `run`'s occurrence as missed while no instance was running.
    Run missedUploadCleanup(const Run &run, const Day &day);
    // The day's outcome: interrupted, failed, timed out, or done with the tally's summary.
    static void endUploadCleanup(Run &run, const Day &day, const UploadTally &tally);
    void writeRetentions();
    // The days of the history whose occurrence at `at` is long over, oldest first.
    [[nodiscard]] QList<Day> pastDays(QTime at) const;
    Run scheduled(const QString &job, const QDateTime &occurrence, qint64 durationMSecs);
    // A run an admin started with jobctl at `startedMSecs`, succeeded unless told otherwise.
    Run byHand(const QString &job, qint64 startedMSecs, qint64 durationMSecs, const QString &who,
               const QString &why);
    QString instanceId();

    QSqlDatabase m_db;
    SqlDialect m_dialect;
    QDateTime m_now;
    QTimeZone m_zone;
    QRandomGenerator &m_random;
    QMap<QString, TopUpTally> m_topUps;
    std::vector<Run> m_pending; // std::vector: Run is complete only in the .cpp
    QMap<QString, int> m_runsByJob;
    QMap<QString, int> m_runsByStatus;
};

} // namespace jc
