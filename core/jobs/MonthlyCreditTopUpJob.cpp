#include "jobs/MonthlyCreditTopUpJob.h"

#include "engine/JobContext.h"
#include "jobs/CreditDomainList.h"
#include "jobs/CreditTopUpRun.h"

namespace jc {

namespace {

const QString regularKey = QStringLiteral("regularCredits");
const QString educatorKey = QStringLiteral("educatorCredits");
const QString domainsKey = QStringLiteral("customCreditDomains");
const QString batchSizeKey = QStringLiteral("batchSize");
const QString attemptsKey = QStringLiteral("batchRetryAttempts");
const QString delayKey = QStringLiteral("batchRetryDelayMs");

SettingSpec integer(const QString &key, const QString &label, const QString &environment,
                    int defaultValue, qint64 minimum, qint64 maximum, const QString &help)
{
    return {key,     label, environment, SettingSpec::Kind::Integer, defaultValue, minimum,
            maximum, help,  {}};
}

// The period of a run: the scheduled occurrence's month (a catch-up or retry belongs to the
// month it was scheduled for); a manual run's occurrence is when it was asked, so it is "now".
// The month is read in the zone the job runs in after the admin's overrides (the run's), not
// the one it was built with: Dec 1 00:00 in Auckland is Nov 30 on a UTC host, and labelling
// it November would skip everyone topped up on Nov 1 and lose December.
QString periodFor(const JobContext &context, const QTimeZone &builtZone)
{
    const QDateTime when =
        context.occurrence().isValid() ? context.occurrence() : QDateTime::currentDateTimeUtc();
    return MonthlyCreditTopUpJob::periodOf(when, context.zone(builtZone));
}

} // namespace

QList<SettingSpec> MonthlyCreditTopUpJob::settingSpecs()
{
    const Settings defaults;
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
                            const auto parsed = CreditDomainList::parse(value.toString());
                            if (!parsed)
                                return parsed.error();
                            return std::nullopt;
                        }};
    return {
        integer(regularKey, QStringLiteral("Regular user credits"),
                QStringLiteral("REGULAR_USER_FREE_CREDITS"), defaults.regularCredits, 0,
                CreditDomainList::maximumCredits,
                QStringLiteral("Monthly free credits of regular users at sign-up (reported only: "
                               "each user's own limit is topped up).")),
        integer(educatorKey, QStringLiteral("Educator credits"),
                QStringLiteral("EDUCATOR_FREE_CREDITS"), defaults.educatorCredits, 0,
                CreditDomainList::maximumCredits,
                QStringLiteral("Monthly free credits of educators at sign-up (reported only).")),
        domains,
        integer(batchSizeKey, QStringLiteral("Batch size"), {}, defaults.batchSize, 1, 100000,
                QStringLiteral("Users per transaction.")),
        integer(attemptsKey, QStringLiteral("Batch attempts"), {}, defaults.batchRetryAttempts, 1,
                10,
                QStringLiteral("Attempts per batch on transient database errors (busy, locked, "
                               "connection lost), the first included.")),
        integer(delayKey, QStringLiteral("Retry delay (ms)"), {},
                int(defaults.batchRetryBaseDelay.count()), 0, 600000,
                QStringLiteral("Wait before the first retry of a batch, in milliseconds; doubles "
                               "per retry, plus jitter.")),
    };
}

Expected<MonthlyCreditTopUpJob::Settings, QString>
MonthlyCreditTopUpJob::settingsFrom(const SettingValues &values)
{
    Settings settings;
    const auto domains = CreditDomainList::parse(values.text(domainsKey));
    if (!domains)
        return domainsKey + QStringLiteral(": ") + domains.error();
    settings.customCreditDomains = domains.value();
    settings.regularCredits = int(values.integer(regularKey));
    settings.educatorCredits = int(values.integer(educatorKey));
    settings.batchSize = int(values.integer(batchSizeKey));
    settings.batchRetryAttempts = int(values.integer(attemptsKey));
    settings.batchRetryBaseDelay = std::chrono::milliseconds(values.integer(delayKey));
    if (settings.batchSize < 1 || settings.batchRetryAttempts < 1 ||
        settings.batchRetryBaseDelay.count() < 0)
        return QStringLiteral("%1, %2 and %3 must be given and positive (got %4, %5, %6)")
            .arg(batchSizeKey, attemptsKey, delayKey)
            .arg(settings.batchSize)
            .arg(settings.batchRetryAttempts)
            .arg(settings.batchRetryBaseDelay.count());
    return settings;
}

JobDefinition MonthlyCreditTopUpJob::definition(std::shared_ptr<ConnectionFactory> database,
                                                const QTimeZone &zone)
{
    return definition(std::move(database), zone, Settings());
}

JobDefinition MonthlyCreditTopUpJob::definition(std::shared_ptr<ConnectionFactory> database,
                                                const QTimeZone &zone, Settings settings)
{
    JobDefinition def;
    def.name = QString::fromLatin1(name);
    def.description =
        QStringLiteral("Tops every user's free credits up to their monthly limit, once per "
                       "month, %1 users per transaction")
            .arg(settings.batchSize);
    def.schedule = Schedule::parse(QStringLiteral("first-of-month"), zone).value();
    def.body = [database = std::move(database), settings = std::move(settings),
                zone](JobContext &context) { return run(context, *database, settings, zone); };
    return def;
}

JobResult MonthlyCreditTopUpJob::run(JobContext &context, ConnectionFactory &database,
                                     const Settings &settings, const QTimeZone &zone)
{
    if (settings.batchSize < 1)
        return JobResult::failure(
            QStringLiteral("batchSize must be at least 1 (got %1)").arg(settings.batchSize));
    return CreditTopUpRun(context, database, settings, periodFor(context, zone)).execute();
}

QString MonthlyCreditTopUpJob::periodOf(const QDateTime &instant, const QTimeZone &zone)
{
    return instant.toTimeZone(zone).toString(QStringLiteral("yyyy-MM"));
}

} // namespace jc
