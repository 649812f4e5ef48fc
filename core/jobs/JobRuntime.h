#pragma once

#include "common/Expected.h"
#include "engine/Scheduler.h"
#include "storage/ConnectionFactory.h"
#include "storage/InstanceRegistry.h"
#include "storage/PauseStore.h"

#include <QThreadPool>
#include <QTimer>

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <QTimeZone>

#include <memory>
#include <optional>

namespace jc {

class Clock;
class RunJournal;

// A scheduler wired to an app database: the built-in jobs registered in the configured
// zone, each occurrence claimed and every run recorded in the database, and the pauses
// stored there (by any instance, the console or `jobctl pause`) honoured: they are read at
// creation and then every `pausePollInterval`, off this thread. What `jobctl serve`,
// `jobctl run` and the console host. Lives on the thread that creates it.
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
    };
    ~JobRuntime() override;

    // Refuses (with a message) invalid overrides; nothing is started.
    static Expected<std::unique_ptr<JobRuntime>, QString>
    create(std::shared_ptr<ConnectionFactory> database, Clock &clock, Options options);

    Scheduler &scheduler() { return *m_scheduler; }
    const std::shared_ptr<ConnectionFactory> &database() const { return m_database; }
    const std::shared_ptr<RunJournal> &journal() const { return m_journal; }

    // Reads the stored pauses on the calling thread and applies them to the scheduler now.
    Expected<bool, QString> syncPausesNow();

private:
    JobRuntime(std::shared_ptr<ConnectionFactory> database, std::shared_ptr<RunJournal> journal,
               std::unique_ptr<Scheduler> scheduler, const Options &options);
    Expected<bool, QString> prepare(qint64 nowMSecs);
    void pollPauses();
    void applyPauses(const QHash<QString, PauseState> &pauses);

    std::shared_ptr<ConnectionFactory> m_database;
    std::shared_ptr<RunJournal> m_journal;
    std::unique_ptr<Scheduler> m_scheduler;
    QTimer m_pausePoll;
    QThreadPool m_reader; // one thread: pause reads never pile up
    bool m_pollInFlight = false;
    InstanceInfo m_instance;
};

} // namespace jc
