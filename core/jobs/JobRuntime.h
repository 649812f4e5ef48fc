#pragma once

#include "common/Expected.h"
#include "common/RepeatedFailure.h"
#include "engine/Scheduler.h"
#include "jobs/CatalogEntry.h"
#include "storage/ConnectionFactory.h"
#include "storage/InstanceRegistry.h"
#include "storage/PauseStore.h"
#include "storage/ReplyingPool.h"

#include <QTimer>

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <QTimeZone>

#include <memory>
#include <optional>

namespace jc {

class Clock;
class DatabaseClock;
class InstancePresence;
class RunJournal;

// A scheduler wired to an app database: the built-in jobs registered in the configured
// zone, each occurrence claimed and every run recorded in the database, and what is stored
// there by any instance, the console or `jobctl` honoured: the pauses, and the jobs' settings
// (`jobctl set`, the console's settings). Both are read at creation and then every
// `pausePollInterval`, off this thread; a job whose stored settings changed is rebuilt and
// replaces the old one in the scheduler (runs going on keep what they started with; a new
// schedule applies from then on). At start, missed-run detection walks each job's schedules
// over the time each was in force, from the settings-change log (ScheduleChangeLog). What
// `jobctl serve`, `jobctl run` and the console host. Lives on the thread that creates it.
class JobRuntime : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QTimeZone zone = QTimeZone::systemTimeZone();
        QStringList scheduleOverrides;           // "JOB=EXPR", as `jobctl serve --schedule`
        QHash<QString, QJsonObject> runSettings; // per job, over the stored ones (`run --set`)
        Scheduler::Options scheduler;
        std::chrono::milliseconds pausePollInterval{std::chrono::seconds(5)};
        // These jobs instead of the catalog's configured ones (tests, embedders); the
        // schedule overrides still apply to them.
        std::optional<QList<JobDefinition>> jobs;
        // Which program hosts this scheduler, as jc_instances shows it: "serve", "console",
        // "run". The instance announces itself at start and with every pause poll, and
        // withdraws when destroyed.
        QString mode = QStringLiteral("serve");
        // The clock passed to create(), when it is one: kept aligned to the database server's
        // clock for this runtime's life (InstancePresence), so that leases compare instants of
        // one clock across hosts. Null: the clock is used as it is.
        DatabaseClock *databaseClock = nullptr;
    };
    ~JobRuntime() override;

    // Refuses (with a message) invalid overrides; nothing is started.
    static Expected<std::unique_ptr<JobRuntime>, QString>
    create(std::shared_ptr<ConnectionFactory> database, Clock &clock, Options options);

    Scheduler &scheduler() { return *m_scheduler; }
    [[nodiscard]] const std::shared_ptr<ConnectionFactory> &database() const { return m_database; }
    [[nodiscard]] const std::shared_ptr<RunJournal> &journal() const { return m_journal; }

    // Reads the stored pauses and job settings on the calling thread and applies them to the
    // scheduler now.
    Expected<void, QString> syncNow();

    // Reads the stored pauses and job settings off this thread now, as the next poll would
    // (a console that saw them change need not wait for the poll).
    void pollNow() { poll(); }

private:
    using StoredSettings = QHash<QString, QJsonObject>;
    // What one poll read, off the runtime's thread.
    struct Snapshot
    {
        Expected<QHash<QString, PauseState>, QString> pauses;
        Expected<StoredSettings, QString> settings;
        std::optional<QString> announceError; // the poll's sign of life could not be written
        qint64 atMSecs = 0;
    };

    JobRuntime(std::shared_ptr<ConnectionFactory> database,
               std::unique_ptr<InstancePresence> presence, std::shared_ptr<RunJournal> journal,
               std::unique_ptr<Scheduler> scheduler, Options options, StoredSettings applied);
    Expected<void, QString> prepare(qint64 nowMSecs);
    Expected<QHash<QString, QList<ScheduleTimeline::Replaced>>, QString>
    earlierSchedules(const QHash<QString, qint64> &lastOccurrences) const;
    [[nodiscard]] JobDefinition definitionFor(const CatalogEntry &entry,
                                              const QJsonObject &stored) const;
    static Snapshot read(const std::shared_ptr<ConnectionFactory> &database, qint64 nowMSecs);
    void poll();
    void apply(const Snapshot &snapshot);
    void applyPauses(const QHash<QString, PauseState> &pauses);
    void applySettings(const StoredSettings &stored);

    std::shared_ptr<ConnectionFactory> m_database;
    // Destroyed after the scheduler: its lock says "alive" until the last run has ended.
    std::unique_ptr<InstancePresence> m_presence;
    std::shared_ptr<RunJournal> m_journal;
    std::unique_ptr<Scheduler> m_scheduler;
    Options m_options;
    StoredSettings m_appliedSettings; // the stored settings the catalog jobs were built with
    QTimer m_poll;
    // One thread: polls never pile up. Destruction waits 10 s at most for a poll in flight.
    ReplyingPool m_reader;
    bool m_pollInFlight = false;
    RepeatedFailure m_repeatedFailures; // the poll's reads
    InstanceInfo m_instance;
};

} // namespace jc
