#include "models/JobTableFeed.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "engine/Clock.h"
#include "engine/Scheduler.h"
#include "jobs/JobCatalog.h"
#include "jobs/ScheduleChangeLog.h"
#include "models/JobTableModel.h"
#include "storage/InstanceRegistry.h"
#include "storage/JobSettingsStore.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

namespace jc {

namespace {

// A poll reads the run answers again at least this often even when their mark stands still,
// as a safety net for a change the mark does not see.
constexpr qint64 RunAnswersMaxAgeMSecs = 60'000;

// What one read of the database brings back.
struct Snapshot
{
    QString error; // empty: every part was read
    RunsMark mark;
    bool runsRead = false; // false: the run answers below were not read (the mark stood still)
    QHash<QString, StoredRun> latest;
    QHash<QString, QDateTime> successes;
    QHash<QString, QDateTime> lastOccurrences;
    QHash<QString, PauseState> pauses;
    QStringList instances;
    // Following stored settings: what they are now, and when they differ from the ones
    // applied before, the schedules of the catalog's jobs built from them.
    std::optional<QHash<QString, QJsonObject>> stored;
    QHash<QString, Schedule> schedules;
    QHash<QString, QList<ScheduleTimeline::Replaced>> earlierSchedules;
};

// What the job settings add to a snapshot: read with it, and the jobs rebuilt here, off the
// GUI thread, only when they changed.
std::optional<QString> readSettings(Snapshot &snapshot,
                                    const std::shared_ptr<ConnectionFactory> &database,
                                    const QTimeZone &zone,
                                    const std::optional<QHash<QString, QJsonObject>> &applied)
{
    auto stored = JobSettingsStore(database).all();
    if (!stored)
        return stored.error();
    if (stored.value() != applied) {
        for (const JobDefinition &job : JobCatalog::jobsFromStored(database, zone, stored.value()))
            snapshot.schedules.insert(job.name, job.schedule);
        // Only a settings change adds to them (each changes the stored settings).
        auto earlier = ScheduleChangeLog::read(database, zone);
        if (!earlier)
            return earlier.error();
        snapshot.earlierSchedules = std::move(earlier).value();
    }
    snapshot.stored = std::move(stored).value();
    return std::nullopt;
}

// The run answers (latest run, last success, last occurrence per job) into `snapshot`.
std::optional<QString> readRuns(Snapshot &snapshot, const RunHistory &history)
{
    auto latest = history.latestRunPerJob();
    if (!latest)
        return latest.error();
    auto successes = history.lastSuccessPerJob();
    auto occurrences = history.lastOccurrencePerJob();
    if (!successes || !occurrences)
        return !successes ? successes.error() : occurrences.error();
    snapshot.runsRead = true;
    snapshot.latest = std::move(latest).value();
    snapshot.successes = std::move(successes).value();
    for (auto it = occurrences->cbegin(); it != occurrences->cend(); ++it)
        snapshot.lastOccurrences.insert(it.key(),
                                        QDateTime::fromMSecsSinceEpoch(it.value(), Qt::UTC));
    return std::nullopt;
}

// `known`: the mark of the run answers the console has, when they are recent enough to keep.
// A running run is always read again: whether its holder still lives changes with time.
Snapshot readSnapshot(const std::shared_ptr<ConnectionFactory> &database, qint64 nowMSecs,
                      const std::optional<RunsMark> &known)
{
    Snapshot snapshot;
    const RunHistory history(database);
    auto mark = history.mark();
    if (!mark) {
        snapshot.error = mark.error();
        return snapshot;
    }
    snapshot.mark = mark.value();
    const bool unchanged = known && *known == snapshot.mark && snapshot.mark.running == 0;
    if (!unchanged) {
        if (auto error = readRuns(snapshot, history)) {
            snapshot.error = *error;
            return snapshot;
        }
    }
    auto pauses = PauseStore(database).activePauses(nowMSecs);
    // The schedulers that announced themselves recently (each does with its pause poll).
    constexpr qint64 recentlyMSecs = 2 * 60 * 1000;
    auto seen = InstanceRegistry(database).seenSince(nowMSecs - recentlyMSecs);
    if (!pauses || !seen) {
        snapshot.error = !pauses ? pauses.error() : seen.error();
        return snapshot;
    }
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

void JobTableFeed::followStoredSettings(const QTimeZone &zone)
{
    m_settingsZone = zone;
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
    std::optional<RunsMark> known;
    if (m_runs && now - m_runs->readAtMSecs < RunAnswersMaxAgeMSecs)
        known = m_runs->mark;
    m_reader->read<Snapshot>(
        this,
        [now, known, database = m_reader->database(), zone = m_settingsZone,
         applied = m_stored](ConnectionFactory &) {
            Snapshot snapshot = readSnapshot(database, now, known);
            if (snapshot.error.isEmpty() && zone) {
                if (auto error = readSettings(snapshot, database, *zone, applied))
                    snapshot.error = *error;
            }
            return snapshot;
        },
        [this, ticket, now](Snapshot snapshot) {
            if (ticket != m_ticket)
                return; // an older read: a newer one is on its way
            m_inFlight = false;
            if (!snapshot.error.isEmpty()) {
                m_reader->reportFailure(snapshot.error);
                emit refreshed(false);
                return;
            }
            m_reader->reportSuccess();
            if (snapshot.runsRead || !m_runs) {
                m_runs =
                    RunAnswers{snapshot.mark, now, std::move(snapshot.latest),
                               std::move(snapshot.successes), std::move(snapshot.lastOccurrences)};
            }
            m_model->applyStored(m_runs->latest, m_runs->successes, snapshot.pauses,
                                 m_runs->lastOccurrences);
            applySettings(snapshot.stored, snapshot.schedules, snapshot.earlierSchedules);
            if (snapshot.instances != m_instances) {
                m_instances = snapshot.instances;
                emit instancesSeenChanged(m_instances);
            }
            emit refreshed(true);
        });
}

// `schedules` were built when `stored` differed from the settings applied when the read was
// asked for, which are still m_stored: only the latest read's reply is applied (tickets).
void JobTableFeed::applySettings(
    const std::optional<QHash<QString, QJsonObject>> &stored,
    const QHash<QString, Schedule> &schedules,
    const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlierSchedules)
{
    if (!stored || stored == m_stored)
        return;
    const bool first = !m_stored.has_value();
    m_stored = stored;
    for (auto it = schedules.cbegin(); it != schedules.cend(); ++it)
        m_model->applySchedule(it.key(), it.value());
    m_model->applyEarlierSchedules(earlierSchedules);
    if (!first)
        emit storedSettingsChanged();
}

} // namespace jc
