#include "jobs/JobRuntime.h"

#include "common/LogCategories.h"
#include "common/ProcessIdentity.h"
#include "engine/Clock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"
#include "jobs/ScheduleChangeLog.h"
#include "storage/InstancePresence.h"
#include "storage/JobSettingsStore.h"
#include "storage/RunHistory.h"
#include "storage/SqlRunJournal.h"

#include <QCoreApplication>
#include <QSysInfo>

namespace jc {

JobRuntime::JobRuntime(std::shared_ptr<ConnectionFactory> database,
                       std::unique_ptr<InstancePresence> presence,
                       std::shared_ptr<RunJournal> journal, std::unique_ptr<Scheduler> scheduler,
                       Options options, StoredSettings applied)
    : m_database(std::move(database))
    , m_presence(std::move(presence))
    , m_journal(std::move(journal))
    , m_scheduler(std::move(scheduler))
    , m_options(std::move(options))
    , m_appliedSettings(std::move(applied))
    , m_reader(this, 1, std::chrono::seconds(10), QStringLiteral("jc.runtime.poll"))
{
    m_instance.id = m_scheduler->instanceId();
    m_instance.host = QSysInfo::machineHostName();
    m_instance.pid = QCoreApplication::applicationPid();
    m_instance.mode = m_options.mode;
    m_instance.startedAt = QDateTime::fromMSecsSinceEpoch(m_scheduler->clock().nowMSecs(), Qt::UTC);
    m_poll.setInterval(m_options.pausePollInterval);
    connect(&m_poll, &QTimer::timeout, this, &JobRuntime::poll);
    m_poll.start();
}

JobRuntime::~JobRuntime()
{
    m_poll.stop();
    m_reader.shutDown(); // no poll may announce this instance again after it is withdrawn
    if (const auto withdrawn = InstanceRegistry(m_database).withdraw(m_instance.id); !withdrawn)
        qCWarning(lcScheduler).noquote()
            << "Could not remove this instance from jc_instances:" << withdrawn.error();
}

// Before the scheduler starts, on the creating thread: the few reads and writes whose
// results it needs before it may claim anything.
Expected<void, QString> JobRuntime::prepare(qint64 nowMSecs)
{
    // Runs this instance left `running` when it died are over. Done before any claim: a
    // clean-up racing the first claims would interrupt this instance's own new runs.
    const auto recovered = m_journal->interruptStale(nowMSecs, m_scheduler->options().lease.count(),
                                                     m_scheduler->instanceId());
    if (!recovered) // its log line says how many it marked (RunUpkeep)
        return Unexpected(recovered.error());
    const auto last = RunHistory(m_database).lastOccurrencePerJob();
    if (!last)
        return Unexpected(last.error());
    m_scheduler->setLastOccurrences(last.value());
    const auto earlier = earlierSchedules(last.value());
    if (!earlier)
        return Unexpected(earlier.error());
    m_scheduler->setEarlierSchedules(earlier.value());
    const auto unfinished = RunHistory(m_database).unfinishedLastOccurrencePerJob();
    if (!unfinished)
        return Unexpected(unfinished.error());
    m_scheduler->setUnfinishedOccurrences(unfinished.value());
    if (const auto announced = InstanceRegistry(m_database).announce(m_instance, nowMSecs);
        !announced)
        return Unexpected(announced.error());
    const auto pauses = PauseStore(m_database).activePauses(nowMSecs);
    if (!pauses)
        return Unexpected(pauses.error());
    applyPauses(pauses.value());
    return {};
}

// The schedules each catalog job followed since its last occurrence, before its current one:
// jobs given by the embedder (Options::jobs) have no stored settings to follow.
Expected<QHash<QString, QList<ScheduleTimeline::Replaced>>, QString>
JobRuntime::earlierSchedules(const QHash<QString, qint64> &lastOccurrences) const
{
    QHash<QString, QList<ScheduleTimeline::Replaced>> earlier;
    if (m_options.jobs)
        return earlier;
    const JobSettingsStore store(m_database);
    for (const CatalogEntry &entry : JobCatalog::entries()) {
        const auto last = lastOccurrences.constFind(entry.name);
        if (last == lastOccurrences.cend())
            continue;
        const auto changes = store.changesSince(entry.name, last.value());
        if (!changes)
            return Unexpected(changes.error());
        const auto replaced =
            ScheduleChangeLog::earlierSchedules(changes.value(), [&](const QJsonObject &settings) {
                return definitionFor(entry, settings).schedule;
            });
        if (!replaced.isEmpty())
            earlier.insert(entry.name, replaced);
    }
    return earlier;
}

// The catalog job as this process builds it from `stored`: its zone, environment and run
// settings, and its --schedule overrides on top (they were valid at start).
JobDefinition JobRuntime::definitionFor(const CatalogEntry &entry, const QJsonObject &stored) const
{
    QList<JobDefinition> built{JobCatalog::configuredJob(
        entry, m_database, m_options.zone, QProcessEnvironment::systemEnvironment(), stored,
        m_options.runSettings.value(entry.name))};
    // Only this job's: applied to a list of one, another job's would be refused ("no job
    // named"), and with it this one's.
    const auto applied = JobCatalog::applyScheduleOverrides(
        built, JobCatalog::scheduleOverridesOf(entry.name, m_options.scheduleOverrides));
    if (!applied)
        qCWarning(lcScheduler).noquote()
            << "Ignoring --schedule for" << entry.name << ':' << applied.error();
    return built.first();
}

JobRuntime::Snapshot JobRuntime::read(const std::shared_ptr<ConnectionFactory> &database,
                                      qint64 nowMSecs)
{
    return Snapshot{PauseStore(database).activePauses(nowMSecs), JobSettingsStore(database).all(),
                    std::nullopt, nowMSecs};
}

Expected<void, QString> JobRuntime::syncNow()
{
    const Snapshot snapshot = read(m_database, m_scheduler->clock().nowMSecs());
    if (!snapshot.pauses)
        return Unexpected(snapshot.pauses.error());
    if (!snapshot.settings)
        return Unexpected(snapshot.settings.error());
    apply(snapshot);
    return {};
}

void JobRuntime::poll()
{
    if (m_pollInFlight)
        return;
    m_pollInFlight = true;
    m_reader.start([this, database = m_database, now = m_scheduler->clock().nowMSecs(),
                    instance = m_instance]() -> ReplyingPool::Answer {
        // The poll doubles as this instance's sign of life in jc_instances.
        const auto announced = InstanceRegistry(database).announce(instance, now);
        auto read = JobRuntime::read(database, now);
        read.announceError = announced ? std::nullopt : std::optional(announced.error());
        auto snapshot = std::make_shared<const Snapshot>(std::move(read));
        // On this object's thread, and only while it is alive (`this` is used there only).
        return [this, snapshot] {
            m_pollInFlight = false;
            apply(*snapshot);
        };
    });
}

// Every poll (5 s) repeats these reads: an outage is logged when it starts, every few
// minutes while it lasts and when it ends (RepeatedFailure), not at every poll.
void JobRuntime::apply(const Snapshot &snapshot)
{
    m_repeatedFailures.note(lcScheduler(),
                            QStringLiteral("Could not record this instance in jc_instances"),
                            snapshot.announceError, snapshot.atMSecs);
    if (snapshot.pauses)
        applyPauses(snapshot.pauses.value());
    m_repeatedFailures.note(lcScheduler(), QStringLiteral("Could not read the stored pauses"),
                            snapshot.pauses ? std::nullopt : std::optional(snapshot.pauses.error()),
                            snapshot.atMSecs);
    if (snapshot.settings)
        applySettings(snapshot.settings.value());
    m_repeatedFailures.note(lcScheduler(), QStringLiteral("Could not read the stored job settings"),
                            snapshot.settings ? std::nullopt
                                              : std::optional(snapshot.settings.error()),
                            snapshot.atMSecs);
}

// Makes the scheduler's pauses match the stored ones: the database is the source of truth.
void JobRuntime::applyPauses(const QHash<QString, PauseState> &pauses)
{
    for (const QString &job : m_scheduler->jobNames()) {
        const auto status = m_scheduler->jobStatus(job);
        const auto stored = pauses.constFind(job);
        if (stored == pauses.cend()) {
            if (status->paused)
                m_scheduler->resume(job);
            continue;
        }
        const QDateTime resumeAt = stored->resumeAt.value_or(QDateTime());
        if (!status->paused || status->pauseReason != stored->reason ||
            status->pausedBy != stored->pausedBy || status->resumeAt != resumeAt)
            m_scheduler->pause(job, stored->reason, stored->pausedBy, resumeAt, stored->pausedAt);
    }
}

// Rebuilds the catalog jobs whose stored settings changed since they were built. Jobs given
// by the embedder (Options::jobs) have no stored settings to follow.
void JobRuntime::applySettings(const StoredSettings &stored)
{
    if (m_options.jobs)
        return;
    for (const CatalogEntry &entry : JobCatalog::entries()) {
        const QJsonObject settings = stored.value(entry.name);
        if (settings == m_appliedSettings.value(entry.name))
            continue;
        if (const auto updated = m_scheduler->updateJob(definitionFor(entry, settings)); !updated) {
            qCWarning(lcScheduler).noquote() << updated.error();
            continue;
        }
        qCInfo(lcScheduler).noquote()
            << "Settings of" << entry.name
            << "changed in the database; now:" << JobOverrides::describe(settings);
        m_appliedSettings.insert(entry.name, settings);
    }
}

Expected<std::unique_ptr<JobRuntime>, QString>
JobRuntime::create(std::shared_ptr<ConnectionFactory> database, Clock &clock, Options options)
{
    StoredSettings stored;
    QList<JobDefinition> jobs;
    if (options.jobs) {
        jobs = *options.jobs;
    } else {
        auto read = JobSettingsStore(database).all();
        if (read)
            stored = std::move(read).value();
        else
            qCWarning(lcScheduler).noquote()
                << "Could not read the stored job settings; using defaults:" << read.error();
        const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const CatalogEntry &entry : JobCatalog::entries())
            jobs.append(JobCatalog::configuredJob(entry, database, options.zone, environment,
                                                  stored.value(entry.name),
                                                  options.runSettings.value(entry.name)));
    }
    if (const auto applied = JobCatalog::applyScheduleOverrides(jobs, options.scheduleOverrides);
        !applied)
        return Unexpected(applied.error());
    auto journal = std::make_shared<SqlRunJournal>(database);
    Scheduler::Options schedulerOptions = options.scheduler;
    schedulerOptions.pausesStored = true; // applyPauses: the scheduler's pauses are the store's
    // This process holds the runs it claims: a kill is seen at once on this host (RunLiveness),
    // and on PostgreSQL from any host, by its presence lock.
    std::unique_ptr<InstancePresence> presence;
    if (schedulerOptions.holder.isEmpty()) {
        schedulerOptions.holder = ProcessIdentity::currentHolder();
        presence = std::make_unique<InstancePresence>(
            database, InstancePresence::Options{.clock = options.databaseClock});
        schedulerOptions.sessionLock = presence->key();
    }
    auto scheduler = std::make_unique<Scheduler>(clock, schedulerOptions);
    scheduler->setJournal(journal);
    for (JobDefinition &job : jobs) {
        if (const auto added = scheduler->addJob(std::move(job)); !added)
            return Unexpected(added.error());
    }
    std::unique_ptr<JobRuntime> runtime(new JobRuntime(std::move(database), std::move(presence),
                                                       std::move(journal), std::move(scheduler),
                                                       std::move(options), std::move(stored)));
    if (const auto prepared = runtime->prepare(clock.nowMSecs()); !prepared)
        return Unexpected(prepared.error());
    return runtime;
}

} // namespace jc
