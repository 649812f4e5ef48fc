#pragma once

#include "engine/JobResult.h"
#include "jobs/BatchSizer.h"
#include "jobs/CreditTopUpCounts.h"
#include "jobs/CreditTopUpSql.h"
#include "jobs/MonthlyCreditTopUpJob.h"

#include <QTimeZone>

#include <functional>
#include <memory>
#include <optional>

namespace jc {

// One run of the Monthly Credit Top-Up for one period: surveys the users (a period with
// nobody owed ends there), walks them in batches, retries a batch on transient errors,
// honours stops, logs and reports. A batch that fails for good is reported and the run goes
// on with the next ones (ending failed, "N users still owed a top-up", for the job's retry), unless
// three batches in a row fail. MonthlyCreditTopUpJob::run makes one; nothing else needs
// it. Lives on the worker thread that runs the body.
class CreditTopUpRun
{
public:
    // `period` is a month of `zone`, the job's.
    CreditTopUpRun(JobContext &context, ConnectionFactory &database,
                   const MonthlyCreditTopUpJob::Settings &settings, QString period,
                   const QTimeZone &zone);

    JobResult execute();

private:
    // Why a step gave up: a stop (cancelled) or an error to report.
    struct Stop
    {
        bool cancelled = false;
        QString error;
    };
    template <typename T> using Step = std::function<Expected<T, QSqlError>(CreditTopUpSql &)>;

    // Runs `step` on the (re)opened statements, up to batchRetryAttempts times while its
    // errors are transient, waiting with backoff in between. `what` names it in messages.
    template <typename T> Expected<T, Stop> withRetries(const QString &what, const Step<T> &step);
    Expected<CreditTopUpSql *, QSqlError> statements();
    std::optional<Stop> takeOverFromTheAppsScheduler();
    void warnAppSchedulerRuns(const CreditTopUpSql::LegacyRows &rows);
    Expected<QStringList, Stop> readBoundaries();
    Expected<CreditTopUpSql::Range, Stop> batchRange(const QStringList &boundaries,
                                                     const QString &after, const QString &what);
    // A batch dealt with: its users, and what it granted or why it failed for good.
    struct BatchOutcome
    {
        CreditTopUpSql::Range range;
        CreditTopUpCounts counts;
        std::optional<QString> error;
    };
    // Runs the batch after `after` (with its retries). Unexpected when the run must stop: a
    // stop, or a range that could not be looked up.
    Expected<BatchOutcome, Stop> runBatch(const QStringList &boundaries, const QString &after,
                                          const QString &what);
    // MySQL/MariaDB (CreditTopUpSql::choosesItsOwnRange): the batch takes the next users itself.
    Expected<BatchOutcome, Stop> runBatchChoosingItsRange(const QString &after,
                                                          const QString &what);
    [[nodiscard]] std::chrono::milliseconds backoff(int attempt) const;

    // Records a batch that failed for good; false when the run should stop instead.
    bool carryOnAfter(const CreditTopUpSql::Range &range, const QString &error);
    // Of the failed batches' users, those still owed a top-up, counted after the last batch;
    // none when that count failed too.
    [[nodiscard]] std::optional<qint64> countStillOwed();
    JobResult nothingOwed();
    [[nodiscard]] JobResult finished() const;
    // `stillOwed`: countStillOwed()'s answer.
    [[nodiscard]] JobResult failedBatches(std::optional<qint64> stillOwed) const;
    [[nodiscard]] JobResult cancelled() const;
    [[nodiscard]] JobResult failed(const QString &error) const;
    [[nodiscard]] QJsonObject summary() const;
    [[nodiscard]] QString tiers() const;
    void refreshStatisticsWhenGrown();
    void logBatch(int batch, const CreditTopUpSql::Range &range, const CreditTopUpCounts &counts);
    // Users in the batches dealt with: committed, or failed for good.
    [[nodiscard]] qint64 usersDone() const;
    // The batches dealt with plus those the sizer expects for the users left; after the survey
    // and after each batch, before it is logged and reported.
    void estimateBatches();
    void reportProgress();

    JobContext &m_context;
    ConnectionFactory &m_database;
    const MonthlyCreditTopUpJob::Settings &m_settings;
    const QString m_period;
    const CreditTopUpSql::Bounds m_bounds;
    // Where the month before the period begins: rows of the app's scheduler written since
    // are recent (takeOverFromTheAppsScheduler()).
    const QDateTime m_recentFrom;
    const bool m_dryRun;
    std::unique_ptr<CreditTopUpSql> m_sql; // reset after an error: the connection may be new
    CreditTopUpCounts m_totals;
    qint64 m_totalUsers = 0;
    bool m_surveyed = false; // m_totalUsers is known
    qint64 m_batchesEstimated = 0;
    BatchSizer m_sizer;    // fixed where CreditTopUpSql::readsRangesAhead()
    int m_batchesDone = 0; // batches dealt with, failed ones included
    // Batches that failed for good, and the users in them: left for the retry.
    static constexpr int maxConsecutiveFailedBatches = 3;
    int m_failedBatches = 0;
    int m_consecutiveFailures = 0;
    qint64 m_usersInFailedBatches = 0;
    QList<CreditTopUpSql::Range> m_failedRanges;
    QString m_firstBatchError;
    qint64 m_analyzeAt = 5000; // audit rows inserted by this run; doubles after each ANALYZE
};

} // namespace jc
