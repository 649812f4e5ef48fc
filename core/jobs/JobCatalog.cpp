#include "jobs/JobCatalog.h"

#include "engine/JobLogCategory.h"

#include "common/LogCategories.h"
#include "engine/JobContext.h"
#include "jobs/HistoryRetentionJob.h"
#include "jobs/JobOverrides.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "jobs/OrphanedUploadsCleanupJob.h"
#include "jobs/StaleCreditPurchaseCleanupJob.h"
#include "storage/JobSettingsStore.h"

#include <QHash>

#include <mutex>

namespace jc {

namespace {

QStringList keysOf(const QList<SettingSpec> &specs)
{
    QStringList keys;
    for (const SettingSpec &spec : specs)
        keys.append(spec.key);
    return keys;
}

// The job on its defaults, every run failing with `error`: the console still lists it with
// its schedule, and its history says exactly what to fix.
JobDefinition refusingJob(const CatalogEntry &entry, std::shared_ptr<ConnectionFactory> database,
                          const QTimeZone &zone, const QString &error)
{
    auto defaults = SettingValues::resolve(entry.specs, QProcessEnvironment());
    auto made = entry.make(std::move(database), zone, defaults.value());
    JobDefinition job = made ? std::move(made).value() : JobDefinition();
    job.name = entry.name;
    const QString message =
        QStringLiteral("Cannot run with the current settings: %1. Fix the setting (jobctl set, "
                       "the console's settings or the environment) and restart the scheduler.")
            .arg(error);
    job.body = [message](JobContext &) { return JobResult::failure(message); };
    return job;
}

// `job` with a first step that writes `warnings` (the report-only settings not used as
// given) into each run's log, where whoever reads why a run did what it did looks.
JobDefinition withWarnings(JobDefinition job, const QStringList &warnings)
{
    if (warnings.isEmpty())
        return job;
    job.body = [body = std::move(job.body), warnings](JobContext &context) {
        for (const QString &warning : warnings)
            context.log().warning(warning);
        return body(context);
    };
    return job;
}

// The catalog entry of a job class that shows the catalog's face.
template <ConfigurableJob Job> CatalogEntry entryFor()
{
    return {QString::fromLatin1(Job::name), Job::settingSpecs(),
            [](std::shared_ptr<ConnectionFactory> database, const QTimeZone &zone,
               const SettingValues &values) -> Expected<JobDefinition, QString> {
                auto settings = Job::settingsFrom(values);
                if (!settings)
                    return Unexpected(settings.error());
                return Job::definition(std::move(database), zone, settings.value());
            }};
}

// The top-up grants credits: a run by hand shows its dry run first (CatalogEntry).
CatalogEntry monthlyCreditTopUp()
{
    CatalogEntry entry = entryFor<MonthlyCreditTopUpJob>();
    entry.previewManualRuns = true;
    return entry;
}

CatalogEntry historyRetention()
{
    using Kind = SettingSpec::Kind;
    return {QString::fromLatin1(HistoryRetentionJob::name),
            {
                {QStringLiteral("keepRuns"),
                 QStringLiteral("Runs kept per job"),
                 {},
                 Kind::Integer,
                 200,
                 1,
                 1000000,
                 QStringLiteral("The newest runs of each job always kept. Scheduled, "
                                "catch-up and retry runs that missed-run detection needs are "
                                "kept besides."),
                 {}},
                {QStringLiteral("keepProblemDays"),
                 QStringLiteral("Problems kept (days)"),
                 {},
                 Kind::Integer,
                 180,
                 1,
                 3650,
                 QStringLiteral("Failed, timed-out, interrupted and missed runs are kept this "
                                "many days."),
                 {}},
                {QStringLiteral("batchSize"),
                 QStringLiteral("Batch size"),
                 {},
                 Kind::Integer,
                 500,
                 1,
                 100000,
                 QStringLiteral("Runs deleted per transaction."),
                 {}},
            },
            [](std::shared_ptr<ConnectionFactory> database, const QTimeZone &zone,
               const SettingValues &values) -> Expected<JobDefinition, QString> {
                HistoryRetentionJob::Settings settings;
                settings.keepRuns = int(values.integer(QStringLiteral("keepRuns")));
                settings.keepProblemDays = int(values.integer(QStringLiteral("keepProblemDays")));
                settings.batchSize = int(values.integer(QStringLiteral("batchSize")));
                return HistoryRetentionJob::definition(std::move(database), zone, settings);
            }};
}

} // namespace

const QList<CatalogEntry> &JobCatalog::entries()
{
    static const QList<CatalogEntry> all{monthlyCreditTopUp(),
                                         entryFor<StaleCreditPurchaseCleanupJob>(),
                                         entryFor<OrphanedUploadsCleanupJob>(), historyRetention()};
    return all;
}

QStringList JobCatalog::jobNames()
{
    QStringList names;
    for (const CatalogEntry &entry : entries())
        names.append(entry.name);
    return names;
}

const CatalogEntry *JobCatalog::find(const QString &name)
{
    for (const CatalogEntry &entry : entries()) {
        if (entry.name == name)
            return &entry;
    }
    return nullptr;
}

const CatalogEntry *JobCatalog::lookup(const QString &text)
{
    if (const CatalogEntry *exact = find(text))
        return exact;
    const QString trimmed = text.trimmed();
    const QString slug = trimmed.startsWith(QLatin1String("jc.job.")) ? trimmed.mid(7) : trimmed;
    for (const CatalogEntry &entry : entries()) {
        if (entry.name.compare(trimmed, Qt::CaseInsensitive) == 0 ||
            QString::fromLatin1(JobLogCategory::slugFor(entry.name)) == slug)
            return &entry;
    }
    return nullptr;
}

QJsonObject JobCatalog::defaultSettings(const QString &name)
{
    // Read for every change a view shows (the console's Settings changes tab asks per cell):
    // built once per job, as the defaults depend on nothing that changes while running.
    static std::mutex mutex;
    static QHash<QString, QJsonObject> cache;
    std::lock_guard lock(mutex);
    if (const auto cached = cache.constFind(name); cached != cache.cend())
        return *cached;
    const CatalogEntry *entry = find(name);
    if (!entry)
        return {};
    const QList<JobDefinition> builtIn =
        builtInJobs(nullptr, QTimeZone::systemTimeZone(), QProcessEnvironment());
    const auto job = std::find_if(builtIn.cbegin(), builtIn.cend(),
                                  [&](const JobDefinition &d) { return d.name == name; });
    QList<SettingSpec> specs = entry->specs;
    if (job != builtIn.cend())
        specs = JobOverrides::settingSpecs(*job) + specs;
    QJsonObject defaults;
    for (const SettingSpec &spec : std::as_const(specs))
        defaults.insert(spec.key, QJsonValue::fromVariant(spec.defaultValue));
    cache.insert(name, defaults);
    return defaults;
}

QList<JobDefinition> JobCatalog::builtInJobs(const std::shared_ptr<ConnectionFactory> &database,
                                             const QTimeZone &zone,
                                             const QProcessEnvironment &environment)
{
    QList<JobDefinition> jobs;
    for (const CatalogEntry &entry : entries())
        jobs.append(configuredJob(entry, database, zone, environment, {}, {}));
    return jobs;
}

QList<JobDefinition> JobCatalog::configuredJobs(const std::shared_ptr<ConnectionFactory> &database,
                                                const QTimeZone &zone,
                                                const QProcessEnvironment &environment,
                                                const QHash<QString, QJsonObject> &runSettings)
{
    auto stored = JobSettingsStore(database).all();
    if (!stored) {
        qCWarning(lcScheduler).noquote()
            << "Could not read the stored job settings; using defaults:" << stored.error();
        stored = QHash<QString, QJsonObject>();
    }
    QList<JobDefinition> jobs;
    for (const CatalogEntry &entry : entries())
        jobs.append(configuredJob(entry, database, zone, environment, stored->value(entry.name),
                                  runSettings.value(entry.name)));
    return jobs;
}

QList<JobDefinition> JobCatalog::jobsFromStored(const std::shared_ptr<ConnectionFactory> &database,
                                                const QTimeZone &zone,
                                                const QHash<QString, QJsonObject> &stored,
                                                const QProcessEnvironment &environment)
{
    QList<JobDefinition> jobs;
    for (const CatalogEntry &entry : entries())
        jobs.append(configuredJob(entry, database, zone, environment, stored.value(entry.name)));
    return jobs;
}

JobDefinition JobCatalog::configuredJob(const CatalogEntry &entry,
                                        const std::shared_ptr<ConnectionFactory> &database,
                                        const QTimeZone &zone,
                                        const QProcessEnvironment &environment,
                                        const QJsonObject &stored, const QJsonObject &runSettings)
{
    auto job = configure(entry, database, zone, environment, stored, runSettings);
    if (job)
        return std::move(job).value();
    qCWarning(lcScheduler).noquote()
        << entry.name << "cannot run with its settings:" << job.error();
    return refusingJob(entry, database, zone, job.error());
}

Expected<JobDefinition, QString>
JobCatalog::configure(const CatalogEntry &entry, std::shared_ptr<ConnectionFactory> database,
                      const QTimeZone &zone, const QProcessEnvironment &environment,
                      const QJsonObject &stored, const QJsonObject &runSettings)
{
    const auto values = SettingValues::resolve(entry.specs, environment, stored, runSettings);
    if (!values)
        return Unexpected(values.error());
    auto job = entry.make(std::move(database), zone, values.value());
    if (!job)
        return Unexpected(job.error());
    job = withWarnings(std::move(job).value(), values->warnings());
    QJsonObject scheduling = stored; // the scheduler's keys, stored or for this run
    for (auto it = runSettings.begin(); it != runSettings.end(); ++it)
        scheduling.insert(it.key(), it.value());
    return JobOverrides::apply(std::move(job).value(), scheduling, keysOf(entry.specs));
}

Expected<SettingValues, QString> JobCatalog::currentValues(const QString &name,
                                                           const QProcessEnvironment &environment,
                                                           const QJsonObject &stored)
{
    const CatalogEntry *entry = find(name);
    if (!entry)
        return Unexpected(QStringLiteral("no job named \"%1\" (jobs: %2)")
                              .arg(name, jobNames().join(QStringLiteral(", "))));
    return SettingValues::resolve(entry->specs, environment, stored);
}

Expected<void, QString> JobCatalog::applyScheduleOverrides(QList<JobDefinition> &jobs,
                                                           const QStringList &overrides)
{
    QList<JobDefinition> changed = jobs;
    for (const QString &text : overrides) {
        const qsizetype equals = text.indexOf(u'=');
        if (equals <= 0)
            return Unexpected(QStringLiteral("--schedule \"%1\": expected JOB=EXPR, e.g. \"History "
                                             "Retention=*/5 * * * *\"")
                                  .arg(text));
        const QString name = text.left(equals).trimmed();
        const QString expression = text.mid(equals + 1).trimmed();
        auto job = std::find_if(changed.begin(), changed.end(),
                                [&](const JobDefinition &def) { return def.name == name; });
        if (job == changed.end()) {
            QStringList known;
            for (const auto &def : changed)
                known.append(def.name);
            return Unexpected(QStringLiteral("--schedule: no job named \"%1\" (jobs: %2)")
                                  .arg(name, known.join(QStringLiteral(", "))));
        }
        const auto schedule = Schedule::parse(expression, job->schedule.zone());
        if (!schedule)
            return Unexpected(
                QStringLiteral("--schedule \"%1\": %2").arg(name, schedule.error().message()));
        job->schedule = schedule.value();
    }
    jobs = changed;
    return {};
}

QStringList JobCatalog::scheduleOverridesOf(const QString &job, const QStringList &overrides)
{
    QStringList own;
    for (const QString &text : overrides) {
        const qsizetype equals = text.indexOf(u'=');
        if (equals > 0 && text.left(equals).trimmed() == job)
            own.append(text);
    }
    return own;
}

} // namespace jc
