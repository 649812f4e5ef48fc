#include "jobs/CreditTopUpRun.h"

#include "engine/JobContext.h"
#include "jobs/CreditDomainList.h"
#include "jobs/RunSummaryText.h"
#include "storage/SqlErrors.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

namespace jc {

namespace {

// Counts in what people read (errors, progress), grouped as in the summaries: "12,000 batches".
QString count(qint64 number)
{
    return RunSummaryText::count(number);
}

bool isWorthRetrying(const QSqlError &error, SqlDialect dialect)
{
    // A unique violation can only come from a concurrent grant of the same user and period
    // that slipped past the row locks; the retry sees its row and skips the user.
    return SqlErrors::isTransient(error, dialect) || SqlErrors::isUniqueViolation(error, dialect);
}

} // namespace

CreditTopUpRun::CreditTopUpRun(JobContext &context, ConnectionFactory &database,
                               const MonthlyCreditTopUpJob::Settings &settings, QString period,
                               const QTimeZone &zone)
    : m_context(context)
    , m_database(database)
    , m_settings(settings)
    , m_period(std::move(period))
    , m_bounds{MonthlyCreditTopUpJob::monthStart(m_period, zone),
               MonthlyCreditTopUpJob::monthStart(m_period, zone, 1)}
    , m_recentFrom(MonthlyCreditTopUpJob::monthStart(m_period, zone, -1))
    , m_dryRun(context.isDryRun())
    , m_sizer(settings.batchSize, CreditTopUpSql::readsRangesAhead(database.dialect())
                                      ? std::chrono::milliseconds(0)
                                      : settings.batchTarget)
{}

JobResult CreditTopUpRun::execute()
{
    m_context.log().info(m_dryRun ? QStringLiteral("Monthly credit top-up dry run starting")
                                  : QStringLiteral("Monthly credit top-up starting"),
                         {{QStringLiteral("period"), m_period},
                          {QStringLiteral("tiers"), tiers()},
                          {QStringLiteral("batchSize"), m_settings.batchSize},
                          {QStringLiteral("batchTargetMs"),
                           qint64(m_sizer.adapts() ? m_settings.batchTarget.count() : 0)},
                          {QStringLiteral("dryRun"), m_dryRun}});
    if (const auto stop = takeOverFromTheAppsScheduler())
        return stop->cancelled ? cancelled() : failed(stop->error);
    const auto survey = withRetries<CreditTopUpSql::Survey>(
        QStringLiteral("Surveying the users"), [](CreditTopUpSql &sql) { return sql.survey(); });
    if (!survey)
        return survey.error().cancelled ? cancelled() : failed(survey.error().error);
    m_totalUsers = survey->users;
    m_surveyed = true;
    m_totals.usersSkippedNegative = survey->skippedNegative;
    m_totals.usersWithoutBalanceOrLimit = survey->withoutBalanceOrLimit;
    m_totals.alreadyToppedUp = survey->alreadyToppedUp;
    if (m_dryRun) // what the adoption would have found
        m_totals.legacyGrantsAdopted = survey->legacyGrants;
    estimateBatches();
    if (m_context.isStopRequested())
        return cancelled();
    if (!survey->anyOwed)
        return nothingOwed();
    m_context.setProgress(0, m_totalUsers, QStringLiteral("users"));

    const auto boundaries = readBoundaries();
    if (!boundaries)
        return boundaries.error().cancelled ? cancelled() : failed(boundaries.error().error);

    QString after;
    while (true) {
        if (m_context.isStopRequested())
            return cancelled();
        const int batch = m_batchesDone + 1;
        const QString what =
            QStringLiteral("Batch %1 of %2 (users after \"%3\")")
                .arg(count(batch), count(std::max<qint64>(m_batchesEstimated, batch)), after);
        QElapsedTimer took;
        took.start();
        const auto outcome = runBatch(boundaries.value(), after, what);
        const std::chrono::nanoseconds elapsed(took.nsecsElapsed());
        if (!outcome)
            return outcome.error().cancelled ? cancelled() : failed(outcome.error().error);
        const CreditTopUpSql::Range &range = outcome->range;
        if (range.users == 0) {
            if (outcome->error) { // a last batch that failed, and nobody left to skip
                m_batchesDone = batch;
                carryOnAfter(range, *outcome->error);
            }
            break;
        }
        m_batchesDone = batch;
        after = range.last;
        if (!outcome->error) {
            m_consecutiveFailures = 0;
            m_sizer.committed(range.users, elapsed);
            m_totals.add(outcome->counts);
            estimateBatches();
            logBatch(batch, range, outcome->counts);
            refreshStatisticsWhenGrown();
        } else if (!carryOnAfter(range, *outcome->error)) {
            return failed(*outcome->error);
        }
        reportProgress();
    }
    if (m_failedBatches == 0)
        return finished();
    return failedBatches(countStillOwed());
}

// The batches committed so far stay committed whatever happens next: what a Cancel dialog
// tells the admin.
void CreditTopUpRun::reportProgress()
{
    const qint64 done = usersDone();
    m_context.setProgress(
        done, std::max(m_totalUsers, done),
        QStringLiteral("users, %1 of %2 batches %3")
            .arg(count(m_batchesDone), count(std::max<qint64>(m_batchesEstimated, m_batchesDone)),
                 m_dryRun ? QStringLiteral("checked") : QStringLiteral("committed")));
}

// A batch that failed for good (not transient, or out of attempts) does not end the run: its
// users wait for the job's retry, and every later user still gets this month's credits now.
// Only when batches keep failing one after another (the database is gone, a constraint
// refuses everyone) does the run stop: going on would only fail every batch in turn.
bool CreditTopUpRun::carryOnAfter(const CreditTopUpSql::Range &range, const QString &error)
{
    ++m_failedBatches;
    ++m_consecutiveFailures;
    m_sizer.failed();
    m_usersInFailedBatches += range.users;
    if (range.users > 0)
        m_failedRanges.append(range);
    estimateBatches();
    if (m_firstBatchError.isEmpty())
        m_firstBatchError = error;
    m_context.log().error(QStringLiteral("Batch failed; its users are left for the retry"),
                          {{QStringLiteral("period"), m_period},
                           {QStringLiteral("batch"), m_batchesDone},
                           {QStringLiteral("users"), range.users},
                           {QStringLiteral("error"), error}});
    return m_consecutiveFailures < maxConsecutiveFailedBatches;
}

// The web app's own scheduler wrote its top-ups without a period (README, "Switching over").
// Those written after the switch-over mean that it still runs, granting next to this job: a
// warning says so while they are recent (since the start of the month before the period), so
// that it ends once the app's scheduler is stopped, while a scheduler that still runs writes
// new ones every month. Then this period's are adopted as the grants they are, before the
// survey counts grants; a dry run changes nothing, its survey counts them instead.
std::optional<CreditTopUpRun::Stop> CreditTopUpRun::takeOverFromTheAppsScheduler()
{
    const auto recent = withRetries<CreditTopUpSql::LegacyRows>(
        QStringLiteral("Looking for top-ups of the web app's own scheduler"),
        [this](CreditTopUpSql &sql) { return sql.legacyRowsSinceSwitchOver(m_recentFrom); });
    if (!recent)
        return recent.error();
    m_totals.legacyRowsSinceSwitchOver = recent->count;
    if (recent->count > 0)
        warnAppSchedulerRuns(recent.value());
    if (m_dryRun)
        return std::nullopt;
    const auto adopted =
        withRetries<qint64>(QStringLiteral("Adopting the web app's own top-ups of the period"),
                            [](CreditTopUpSql &sql) { return sql.adoptLegacyGrants(); });
    if (!adopted)
        return adopted.error();
    m_totals.legacyGrantsAdopted = adopted.value();
    if (adopted.value() > 0) {
        m_context.log().info(
            QStringLiteral("Top-ups of the web app's own scheduler count as grants of the period"),
            {{QStringLiteral("period"), m_period}, {QStringLiteral("users"), adopted.value()}});
    }
    return std::nullopt;
}

void CreditTopUpRun::warnAppSchedulerRuns(const CreditTopUpSql::LegacyRows &rows)
{
    const QString newest = rows.newest.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                           QStringLiteral(" UTC");
    m_context.log().warning(
        QStringLiteral("Top-up rows without a period were written after the switch-over (%1, "
                       "newest at %2): the web app's own scheduler still seems to run; disable "
                       "it (see README, 'Switching over')")
            .arg(rows.count)
            .arg(newest),
        {{QStringLiteral("period"), m_period},
         {QStringLiteral("rows"), rows.count},
         {QStringLiteral("newest"), rows.newest.toUTC().toString(Qt::ISODate)},
         {QStringLiteral("switchOver"), rows.switchOver.toUTC().toString(Qt::ISODateWithMs)}});
}

qint64 CreditTopUpRun::usersDone() const
{
    return m_totals.usersScanned + m_usersInFailedBatches;
}

void CreditTopUpRun::estimateBatches()
{
    const qint64 left = std::max<qint64>(0, m_totalUsers - usersDone());
    m_batchesEstimated = m_batchesDone + m_sizer.batchesFor(left);
}

// At most maxBoundaries ids in memory (36 bytes of key each, and QString's overhead): with
// a tiny batch size over many users, every range is looked up as the run goes instead.
Expected<QStringList, CreditTopUpRun::Stop> CreditTopUpRun::readBoundaries()
{
    constexpr qint64 maxBoundaries = 100000;
    if (m_batchesEstimated > maxBoundaries || m_sizer.adapts())
        return QStringList();
    return withRetries<QStringList>(
        QStringLiteral("Dividing the users into batches"),
        [this](CreditTopUpSql &sql) { return sql.boundaries(m_settings.batchSize); });
}

// The range of the next batch: from the boundaries read before the batches, and past them
// (the users after the last whole batch, and any who signed up since) looked up one by one.
Expected<CreditTopUpSql::Range, CreditTopUpRun::Stop>
CreditTopUpRun::batchRange(const QStringList &boundaries, const QString &after, const QString &what)
{
    const int size = m_sizer.size();
    if (m_batchesDone < boundaries.size())
        return CreditTopUpSql::Range{after, boundaries.at(m_batchesDone), size};
    return withRetries<CreditTopUpSql::Range>(
        what, [&](CreditTopUpSql &sql) { return sql.nextRange(after, size); });
}

Expected<CreditTopUpRun::BatchOutcome, CreditTopUpRun::Stop>
CreditTopUpRun::runBatch(const QStringList &boundaries, const QString &after, const QString &what)
{
    if (!m_dryRun && CreditTopUpSql::choosesItsOwnRange(m_database.dialect()))
        return runBatchChoosingItsRange(after, what);
    const auto range = batchRange(boundaries, after, what);
    if (!range)
        return Unexpected(range.error());
    if (range->users == 0)
        return BatchOutcome{range.value(), {}, {}};
    const auto counts = withRetries<CreditTopUpCounts>(what, [&](CreditTopUpSql &sql) {
        return m_dryRun ? sql.preview(range.value()) : sql.apply(range.value());
    });
    if (counts)
        return BatchOutcome{range.value(), counts.value(), {}};
    if (counts.error().cancelled)
        return Unexpected(counts.error());
    return BatchOutcome{range.value(), {}, counts.error().error};
}

// A batch that failed for good has no range of its own (it was chosen in the transaction that
// rolled back): the users it would have taken are looked up then, to be skipped.
Expected<CreditTopUpRun::BatchOutcome, CreditTopUpRun::Stop>
CreditTopUpRun::runBatchChoosingItsRange(const QString &after, const QString &what)
{
    const int size = m_sizer.size();
    const auto batch = withRetries<CreditTopUpSql::Batch>(
        what, [&](CreditTopUpSql &sql) { return sql.applyNext(after, size); });
    if (batch)
        return BatchOutcome{batch->range, batch->counts, {}};
    if (batch.error().cancelled)
        return Unexpected(batch.error());
    const auto skipped = withRetries<CreditTopUpSql::Range>(
        what, [&](CreditTopUpSql &sql) { return sql.nextRange(after, size); });
    if (skipped)
        return BatchOutcome{skipped.value(), {}, batch.error().error};
    if (skipped.error().cancelled)
        return Unexpected(skipped.error());
    return Unexpected(Stop{false, batch.error().error +
                                      QStringLiteral("; looking up its users to skip them: ") +
                                      skipped.error().error});
}

// A rerun of a period that is done, or a month nobody is owed anything: the survey said so,
// and no batch has anything to do.
JobResult CreditTopUpRun::nothingOwed()
{
    m_totals.usersScanned = m_totalUsers;
    m_context.setProgress(m_totalUsers, m_totalUsers);
    m_context.log().info(QStringLiteral("Nobody is owed a top-up of this period"),
                         {{QStringLiteral("period"), m_period},
                          {QStringLiteral("users"), m_totalUsers},
                          {QStringLiteral("alreadyToppedUp"), m_totals.alreadyToppedUp}});
    return finished();
}

JobResult CreditTopUpRun::finished() const
{
    m_context.log().info(
        m_dryRun ? QStringLiteral("Monthly credit top-up dry run finished")
                 : QStringLiteral("Monthly credit top-up finished"),
        {{QStringLiteral("period"), m_period},
         {QStringLiteral("batches"), m_batchesDone},
         {QStringLiteral("usersScanned"), m_totals.usersScanned},
         {QStringLiteral("usersToppedUp"), m_totals.usersToppedUp},
         {QStringLiteral("creditsGranted"), m_totals.creditsGranted},
         {QStringLiteral("alreadyToppedUp"), m_totals.alreadyToppedUp},
         {QStringLiteral("usersSkippedNegative"), m_totals.usersSkippedNegative},
         {QStringLiteral("usersWithoutBalanceOrLimit"), m_totals.usersWithoutBalanceOrLimit}});
    return JobResult::success(summary());
}

template <typename T>
Expected<T, CreditTopUpRun::Stop> CreditTopUpRun::withRetries(const QString &what,
                                                              const Step<T> &step)
{
    const int attempts = std::max(1, m_settings.batchRetryAttempts);
    for (int attempt = 1;; ++attempt) {
        auto sql = statements();
        QSqlError error;
        if (sql) {
            auto result = step(*sql.value());
            if (result)
                return std::move(result).value();
            error = result.error();
        } else {
            error = sql.error();
        }
        m_sql.reset(); // a lost connection comes back new, without our statements
        const QString text = SqlErrors::text(error);
        if (!isWorthRetrying(error, m_database.dialect()) || attempt >= attempts) {
            const QString tries =
                attempt > 1 ? QStringLiteral(" after %1 attempts").arg(attempt) : QString();
            return Unexpected(
                Stop{false, QStringLiteral("%1 failed%2: %3").arg(what, tries, text)});
        }
        const auto delay = backoff(attempt);
        m_context.log().warning(QStringLiteral("Transient database error; retrying"),
                                {{QStringLiteral("period"), m_period},
                                 {QStringLiteral("step"), what},
                                 {QStringLiteral("attempt"), attempt},
                                 {QStringLiteral("delayMs"), qint64(delay.count())},
                                 {QStringLiteral("error"), text}});
        if (!m_context.sleepFor(delay))
            return Unexpected(Stop{true, {}});
    }
}

Expected<CreditTopUpSql *, QSqlError> CreditTopUpRun::statements()
{
    if (m_sql)
        return m_sql.get();
    auto db = m_database.connectionForCurrentThread();
    if (!db) // cannot connect: the factory's message says why; worth a retry like a lost one
        return Unexpected(
            QSqlError(db.error(), {}, QSqlError::ConnectionError, QStringLiteral("08006")));
    auto sql = CreditTopUpSql::open(m_database, db.value(), m_period, m_bounds);
    if (!sql)
        return Unexpected(sql.error());
    m_sql = std::move(sql).value();
    return m_sql.get();
}

// base * 2^(attempt-1), plus up to half of that again at random so that concurrent runs
// that failed together do not retry together.
std::chrono::milliseconds CreditTopUpRun::backoff(int attempt) const
{
    const qint64 base = m_settings.batchRetryBaseDelay.count() << std::min(attempt - 1, 20);
    const qint64 jitter = base > 1 ? QRandomGenerator::global()->bounded(base / 2 + 1) : 0;
    return std::chrono::milliseconds(base + jitter);
}

JobResult CreditTopUpRun::cancelled() const
{
    return JobResult::failure(
        QStringLiteral("Cancelled after %1 of %2 batches of period %3 (%4 users topped up, %5 "
                       "credits); run the job again to finish the period: nobody is topped up "
                       "twice")
            .arg(count(m_batchesDone), count(m_batchesEstimated), m_period,
                 count(m_totals.usersToppedUp), count(m_totals.creditsGranted)),
        summary());
}

// The failed batches' users include some that were not owed (at their limit, or topped up
// already): after the last batch, the users of those ranges still owed are counted, as a dry
// run would (CreditTopUpSql::preview). None when that fails too (the database is away).
std::optional<qint64> CreditTopUpRun::countStillOwed()
{
    qint64 owed = 0;
    for (const CreditTopUpSql::Range &range : std::as_const(m_failedRanges)) {
        const auto counted = withRetries<CreditTopUpCounts>(
            QStringLiteral("Counting the users still owed in the failed batches"),
            [&range](CreditTopUpSql &sql) { return sql.preview(range); });
        if (!counted)
            return std::nullopt;
        owed += counted->usersToppedUp;
    }
    return owed;
}

// Every batch ran, and some failed: the run fails, saying how many users are still owed (or,
// when that could not be counted, how many the failed batches held), so that the job's retry
// (or a rerun) tops up exactly those.
JobResult CreditTopUpRun::failedBatches(std::optional<qint64> stillOwed) const
{
    const QString batches =
        QStringLiteral("%1 of %2 batches failed (first: %3)")
            .arg(count(m_failedBatches), count(m_batchesDone), m_firstBatchError);
    const QString left = stillOwed
                             ? QStringLiteral("%1 users still owed a top-up: %2, holding %3 users")
                                   .arg(count(*stillOwed), batches, count(m_usersInFailedBatches))
                             : QStringLiteral("%1: their %2 users were left for the retry")
                                   .arg(batches, count(m_usersInFailedBatches));
    const QString error = left + QStringLiteral(". The other batches were committed (%1 users "
                                                "topped up); the retry tops up the rest of period "
                                                "%2: nobody is topped up twice")
                                     .arg(count(m_totals.usersToppedUp), m_period);
    QVariantMap fields{{QStringLiteral("period"), m_period},
                       {QStringLiteral("failedBatches"), m_failedBatches},
                       {QStringLiteral("usersInFailedBatches"), m_usersInFailedBatches}};
    if (stillOwed)
        fields.insert(QStringLiteral("usersStillOwed"), *stillOwed);
    m_context.log().error(QStringLiteral("Monthly credit top-up failed"), fields);
    QJsonObject json = summary();
    if (stillOwed)
        json.insert(QStringLiteral("usersStillOwed"), *stillOwed);
    return JobResult::failure(error, json);
}

JobResult CreditTopUpRun::failed(const QString &error) const
{
    const qint64 notReached = std::max<qint64>(0, m_totalUsers - usersDone());
    const qint64 leftForRetry = m_usersInFailedBatches + notReached;
    // Before the survey nobody knows how many are owed: "0 users not topped up" was wrong.
    // After it, the users not reached are not counted owed or not: the run stopped.
    const QString kept =
        m_dryRun ? QStringLiteral("Nothing was changed (dry run).")
        : !m_surveyed
            ? QStringLiteral("No user was topped up: the run stopped before it counted the "
                             "users. The retry tops up period %1: nobody is topped up twice.")
                  .arg(m_period)
            : QStringLiteral("%1 users were left for the retry (not reached, or in failed "
                             "batches; some may not be owed). The %2 batches that succeeded were "
                             "committed (%3 users topped up); the retry tops up the rest of "
                             "period %4: nobody is topped up twice.")
                  .arg(count(leftForRetry), count(m_batchesDone - m_failedBatches),
                       count(m_totals.usersToppedUp), m_period);
    m_context.log().error(QStringLiteral("Monthly credit top-up failed"),
                          {{QStringLiteral("period"), m_period},
                           {QStringLiteral("batchesDone"), m_batchesDone},
                           {QStringLiteral("error"), error}});
    return JobResult::failure(error + QStringLiteral(". ") + kept, summary());
}

QJsonObject CreditTopUpRun::summary() const
{
    QJsonObject json = m_totals.toJson();
    json.insert(QStringLiteral("period"), m_period);
    json.insert(QStringLiteral("batches"), m_batchesDone);
    json.insert(QStringLiteral("dryRun"), m_dryRun);
    if (m_failedBatches > 0) {
        json.insert(QStringLiteral("failedBatches"), m_failedBatches);
        json.insert(QStringLiteral("usersInFailedBatches"), m_usersInFailedBatches);
    }
    return json;
}

QString CreditTopUpRun::tiers() const
{
    QString text = QStringLiteral("regular=%1 educator=%2")
                       .arg(m_settings.regularCredits)
                       .arg(m_settings.educatorCredits);
    if (!m_settings.customCreditDomains.isEmpty())
        text +=
            QStringLiteral(" custom=") + CreditDomainList::format(m_settings.customCreditDomains);
    return text;
}

// A first top-up into a young table, or any month's into a table last analysed when it was
// much smaller, leaves the planner with estimates that make every batch slower than the last.
// A few ANALYZEs (the inserted rows doubling between them) keep it on the indexes. Its
// failure (no privilege, say) only costs speed.
void CreditTopUpRun::refreshStatisticsWhenGrown()
{
    if (m_dryRun || m_totals.usersToppedUp < m_analyzeAt || !m_sql)
        return;
    m_analyzeAt = m_totals.usersToppedUp * 2;
    if (auto error = m_sql->refreshStatistics()) {
        m_context.log().debug(QStringLiteral("Could not refresh the table statistics"),
                              {{QStringLiteral("error"), SqlErrors::text(*error)}});
    }
}

void CreditTopUpRun::logBatch(int batch, const CreditTopUpSql::Range &range,
                              const CreditTopUpCounts &counts)
{
    m_context.log().info(m_dryRun ? QStringLiteral("Batch previewed")
                                  : QStringLiteral("Batch committed"),
                         {{QStringLiteral("period"), m_period},
                          {QStringLiteral("batch"), batch},
                          {QStringLiteral("batches"), m_batchesEstimated},
                          {QStringLiteral("users"), range.users},
                          {QStringLiteral("toppedUp"), counts.usersToppedUp},
                          {QStringLiteral("credits"), counts.creditsGranted}});
}

} // namespace jc
