#include "jobs/MonthlyCreditTopUpJob.h"

#include "jobs/BuiltInDefinition.h"

#include "engine/JobContext.h"
#include "jobs/CreditDomainList.h"
#include "jobs/CreditTopUpRun.h"

namespace jc {

namespace {

const QString regularKey = QStringLiteral("regularCredits");
const QString educatorKey = QStringLiteral("educatorCredits");
const QString domainsKey = QStringLiteral("customCreditDomains");
const QString batchSizeKey = QStringLiteral("batchSize");
const QString targetKey = QStringLiteral("batchTargetMs");
const QString attemptsKey = QStringLiteral("batchRetryAttempts");
const QString delayKey = QStringLiteral("batchRetryDelayMs");

// One of the app's sign-up allowances, which the top-up only reports. The app reads it with
// strconv.Atoi and uses its default for anything that is not a whole number of 0 or more
// (internal/config/pricing.go): so does this, with a warning. (Unlike the app, spaces around
// the number are forgiven.)
SettingSpec allowance(const QString &key, const QString &label, const QString &environment,
                      int defaultValue, const QString &help)
{
    SettingSpec spec{key,
                     label,
                     environment,
                     SettingSpec::Kind::Integer,
                     defaultValue,
                     0,
                     CreditDomainList::maximumCredits,
                     help,
                     {}};
    spec.reportOnly = true;
    return spec;
}

// The period of a run: the scheduled occurrence's month (a catch-up or retry belongs to the
// month it was scheduled for); a manual run's occurrence is when it was asked, so it is "now".
// The month is read in the zone the job runs in after the admin's overrides (the run's), not
// the one it was built with: Dec 1 00:00 in Auckland is Nov 30 on a UTC host, and labelling
// it November would skip everyone topped up on Nov 1 and lose December.
QString periodFor(const JobContext &context, const QTimeZone &runZone)
{
    const QDateTime when =
        context.occurrence().isValid() ? context.occurrence() : context.startedAt();
    return MonthlyCreditTopUpJob::periodOf(when, runZone);
}

// A month must not be lost to a database failover at 00:00 or a run killed half-way: a
// failed run is tried again within its occurrence, 1 min after, then 2, 4, ... up to 1 h
// apart, for about four hours (the scheduler never retries past the next occurrence). Each
// retry tops up exactly the users still owed.
RetryPolicy defaultRetry()
{
    RetryPolicy retry;
    retry.attempts = 10;
    retry.baseDelay = std::chrono::minutes(1);
    retry.multiplier = 2.0;
    retry.maxDelay = std::chrono::hours(1);
    return retry;
}

} // namespace

QList<SettingSpec> MonthlyCreditTopUpJob::settingSpecs()
{
    const Settings defaults;
    // Reported only, so bad items are skipped as the app skips them (CreditDomainList),
    // with a warning, and the good ones kept.
    SettingSpec domains{domainsKey,
                        QStringLiteral("Custom credit domains"),
                        QStringLiteral("CUSTOM_CREDIT_DOMAINS"),
                        SettingSpec::Kind::Text,
                        QString(),
                        0,
                        0,
                        QStringLiteral("Monthly credits per e-mail domain at sign-up, like "
                                       "\"@school.example:40,@uni.example:30\" (reported only: "
                                       "each user's own limit is topped up)."),
                        [](const QVariant &value) -> std::optional<QString> {
                            const QString problem = CreditDomainList::problem(
                                CreditDomainList::parse(value.toString()));
                            if (problem.isEmpty())
                                return std::nullopt;
                            return problem;
                        }};
    domains.reportOnly = true;
    domains.salvage = [](const QVariant &value) {
        return QVariant(
            CreditDomainList::format(CreditDomainList::parse(value.toString()).entries));
    };
    return {
        allowance(regularKey, QStringLiteral("Regular user credits"),
                  QStringLiteral("REGULAR_USER_FREE_CREDITS"), defaults.regularCredits,
                  QStringLiteral("Monthly free credits of regular users at sign-up (reported "
                                 "only: each user's own limit is topped up).")),
        allowance(educatorKey, QStringLiteral("Educator credits"),
                  QStringLiteral("EDUCATOR_FREE_CREDITS"), defaults.educatorCredits,
                  QStringLiteral("Monthly free credits of educators at sign-up (reported only).")),
        domains,
        SettingSpec::integer(batchSizeKey, QStringLiteral("Batch size"), defaults.batchSize, 1,
                             100000,
                             QStringLiteral("Users per transaction: the first batch's, and the "
                                            "fewest a batch takes.")),
        SettingSpec::integer(
            targetKey, QStringLiteral("Batch time target (ms)"), int(defaults.batchTarget.count()),
            0, 60000,
            QStringLiteral("On PostgreSQL and MySQL/MariaDB, batches grow from the batch size "
                           "(up to 100,000 users) while each takes less than this; 0 keeps "
                           "every batch at the batch size. SQLite's batches always stay at the "
                           "batch size: a batch holds the whole database's write lock.")),
        SettingSpec::integer(
            attemptsKey, QStringLiteral("Batch attempts"), defaults.batchRetryAttempts, 1, 10,
            QStringLiteral("Attempts per batch on transient database errors (busy, locked, "
                           "connection lost), the first included.")),
        SettingSpec::integer(
            delayKey, QStringLiteral("Retry delay (ms)"), int(defaults.batchRetryBaseDelay.count()),
            0, 600000,
            QStringLiteral("Wait before the first retry of a batch, in milliseconds; doubles "
                           "per retry, plus jitter.")),
    };
}

Expected<MonthlyCreditTopUpJob::Settings, QString>
MonthlyCreditTopUpJob::settingsFrom(const SettingValues &values)
{
    Settings settings;
    // Already salvaged by SettingValues (the skipped items are among its warnings).
    settings.customCreditDomains = CreditDomainList::parse(values.text(domainsKey)).entries;
    settings.regularCredits = int(values.integer(regularKey));
    settings.educatorCredits = int(values.integer(educatorKey));
    settings.batchSize = int(values.integer(batchSizeKey));
    settings.batchTarget = std::chrono::milliseconds(values.integer(targetKey));
    settings.batchRetryAttempts = int(values.integer(attemptsKey));
    settings.batchRetryBaseDelay = std::chrono::milliseconds(values.integer(delayKey));
    if (settings.batchSize < 1 || settings.batchRetryAttempts < 1 ||
        settings.batchRetryBaseDelay.count() < 0 || settings.batchTarget.count() < 0)
        return Unexpected(
            QStringLiteral("%1, %2 and %3 must be given and positive, %4 not negative (got %5, "
                           "%6, %7, %8)")
                .arg(batchSizeKey, attemptsKey, delayKey, targetKey)
                .arg(settings.batchSize)
                .arg(settings.batchRetryAttempts)
                .arg(settings.batchRetryBaseDelay.count())
                .arg(settings.batchTarget.count()));
    return settings;
}

JobDefinition MonthlyCreditTopUpJob::definition(std::shared_ptr<ConnectionFactory> database,
                                                const QTimeZone &zone, Settings settings)
{
    // Without a database (a catalog listing), the rule for every database.
    const bool sqlite = database && CreditTopUpSql::readsRangesAhead(database->dialect());
    const QString batches =
        settings.batchTarget.count() > 0 && !sqlite
            ? QStringLiteral("from %1 users per transaction, more while a transaction takes "
                             "under %2 ms%3")
                  .arg(settings.batchSize)
                  .arg(settings.batchTarget.count())
                  .arg(database ? QString() : QStringLiteral(" (not on SQLite)"))
            : QStringLiteral("%1 users per transaction").arg(settings.batchSize);
    const QString description =
        QStringLiteral("Tops every user's free credits up to their monthly limit, once per "
                       "month, ") +
        batches;
    JobDefinition def = builtInDefinition(
        name, description, QStringLiteral("first-of-month"), zone,
        [database = std::move(database), settings = std::move(settings),
         zone](JobContext &context) { return run(context, *database, settings, zone); });
    def.policies.retry = defaultRetry();
    return def;
}

JobResult MonthlyCreditTopUpJob::run(JobContext &context, ConnectionFactory &database,
                                     const Settings &settings, const QTimeZone &zone)
{
    if (settings.batchSize < 1)
        return JobResult::failure(
            QStringLiteral("batchSize must be at least 1 (got %1)").arg(settings.batchSize));
    // The zone the job runs in after overrides: the period, and the month's bounds that the
    // app scheduler's grants are adopted within, both follow it.
    const QTimeZone runZone = context.zone(zone);
    return CreditTopUpRun(context, database, settings, periodFor(context, runZone), runZone)
        .execute();
}

QString MonthlyCreditTopUpJob::periodOf(const QDateTime &instant, const QTimeZone &zone)
{
    return instant.toTimeZone(zone).toString(QStringLiteral("yyyy-MM"));
}

QDateTime MonthlyCreditTopUpJob::monthStart(const QString &period, const QTimeZone &zone,
                                            int monthsLater)
{
    const QDate first = QDate::fromString(period + QStringLiteral("-01"), Qt::ISODate);
    return first.addMonths(monthsLater).startOfDay(zone).toUTC();
}

} // namespace jc
