#include "models/JobTableFeed.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "engine/Clock.h"
#include "engine/Scheduler.h"
#include "models/JobTableModel.h"
#include "storage/InstanceRegistry.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

namespace jc {

namespace {

// What one read of the database brings back.
struct Snapshot
{
    QString error; // empty: every part was read
    QHash<QString, StoredRun> latest;
    QHash<QString, QDateTime> successes;
    QHash<QString, PauseState> pauses;
    QStringList instances;
};

Snapshot readSnapshot(const std::shared_ptr<ConnectionFactory> &database, qint64 nowMSecs)
{
    Snapshot snapshot;
    const RunHistory history(database);
    auto latest = history.latestRunPerJob();
    if (!latest) {
        snapshot.error = latest.error();
        return snapshot;
    }
    auto successes = history.lastSuccessPerJob();
    auto pauses = PauseStore(database).activePauses(nowMSecs);
    // The schedulers that announced themselves recently (each does with its pause poll).
    constexpr qint64 recentlyMSecs = 2 * 60 * 1000;
    auto seen = InstanceRegistry(database).seenSince(nowMSecs - recentlyMSecs);
    if (!successes || !pauses || !seen) {
        snapshot.error = !successes ? successes.error() : (!pauses ? pauses.error() : seen.error());
        return snapshot;
    }
    snapshot.latest = std::move(latest).value();
    snapshot.successes = std::move(successes).value();
    snapshot.pauses = std::move(pauses).value();
    for (const InstanceInfo &instance : seen.value()) {
        snapshot.instances.append(
            QStringLiteral("%1 (%2, since %3)")
                .arg(instance.id, instance.mode, TimeDisplay::dateTime(instance.startedAt)));
    }
    return snapshot;
}

} // namespace

JobTableFeed::JobTableFeed(JobTableModel *model, DatabaseReader *reader, const Clock &clock,
                           QObject *parent)
    : QObject(parent)
    , m_model(model)
    , m_reader(reader)
    , m_clock(clock)
{
    m_poll.setInterval(std::chrono::milliseconds(2500));
    connect(&m_poll, &QTimer::timeout, this, &JobTableFeed::poll);
    m_tick.setInterval(std::chrono::seconds(1));
    connect(&m_tick, &QTimer::timeout, this, [this] { m_model->setNow(m_clock.now()); });
    connect(&m_clock, &Clock::changed, this, [this] { m_model->setNow(m_clock.now()); });
}

void JobTableFeed::connectScheduler(Scheduler *scheduler)
{
    connect(scheduler, &Scheduler::runStarted, this, [this](const RunInfo &run) {
        invalidate();
        m_model->applyRunStarted(run);
    });
    connect(scheduler, &Scheduler::runProgress, m_model, &JobTableModel::applyRunProgress);
    connect(scheduler, &Scheduler::runFinished, this, [this](const RunRecord &record) {
        invalidate();
        m_model->applyRunFinished(record);
    });
    connect(scheduler, &Scheduler::jobScheduled, m_model, &JobTableModel::applyScheduled);
    connect(scheduler, &Scheduler::jobPauseChanged, this,
            [this](const QString &, bool) { invalidate(); });
    for (const JobStatus &status : scheduler->jobStatuses())
        m_model->applyScheduled(status.name, status.nextRun);
}

void JobTableFeed::start()
{
    m_model->setNow(m_clock.now());
    m_poll.start();
    m_tick.start();
    refreshNow();
}

void JobTableFeed::refreshNow()
{
    request();
}

void JobTableFeed::poll()
{
    if (!m_inFlight)
        request();
}

// A local change makes the answers to earlier reads stale: read again.
void JobTableFeed::invalidate()
{
    if (m_inFlight)
        request();
}

void JobTableFeed::request()
{
    const quint64 ticket = ++m_ticket;
    m_inFlight = true;
    const qint64 now = m_clock.nowMSecs();
    m_reader->read<Snapshot>(
        this,
        [now, database = m_reader->database()](ConnectionFactory &) {
            return readSnapshot(database, now);
        },
        [this, ticket](Snapshot snapshot) {
            if (ticket != m_ticket)
                return; // an older read: a newer one is on its way
            m_inFlight = false;
            if (!snapshot.error.isEmpty()) {
                m_reader->reportFailure(snapshot.error);
                emit refreshed(false);
                return;
            }
            m_reader->reportSuccess();
            m_model->applyStored(snapshot.latest, snapshot.successes, snapshot.pauses);
            if (snapshot.instances != m_instances) {
                m_instances = snapshot.instances;
                emit instancesSeenChanged(m_instances);
            }
            emit refreshed(true);
        });
}

} // namespace jc
