#include "seed/DemoRunHistory.h"

#include "common/IsoTime.h"
#include "engine/LogLine.h"
#include "seed/RowBatcher.h"
#include "seed/SeedIds.h"
#include "storage/RunRows.h"
#include "storage/SqlErrors.h"
#include "storage/SqlStatement.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace jc {

namespace {

const QString topUpJob = QStringLiteral("Monthly Credit Top-Up");
const QString purchaseJob = QStringLiteral("Stale Credit Purchase Cleanup");
const QString uploadsJob = QStringLiteral("Orphaned Uploads Cleanup");
const QString retentionJob = QStringLiteral("History Retention");

constexpr qint64 second = 1000;
constexpr qint64 minute = 60 * second;
constexpr qint64 hour = 60 * minute;
constexpr int historyDays = 21;
constexpr qint64 demoUsers = 300; // the top-up's progress: the demo's users

QString iso(qint64 msecs)
{
    return IsoTime::format(QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC));
}

// What SqlRunJournal::interruptStale writes for a run whose instance stopped heartbeating.
const QString leaseExpired =
    QStringLiteral("The instance running it stopped heartbeating (lease of 90 s expired); it "
                   "was probably killed or lost power");
// PostgreSQL's (libpq 15) words for a server that is not there, as SqlErrors::text gives them.
const QString connectionRefused = QStringLiteral(
    "connection to server at \"db.internal\" (10.0.3.12), port 5432 failed: Connection "
    "refused. Is the server running on that host and accepting TCP/IP connections?");

} // namespace

// A run of the story: the jc_runs row as it will be written, with what the row keeps in
// another form (the end as a number, the summary as JSON) and the run's log.
struct DemoRunHistory::Run
{
    NewRunRow row;
    qint64 finishedMSecs = 0;
    QJsonObject summary;
    QList<LogLine> log;

    // A log line `offset` ms after the start (clamped to the run's end).
    void line(qint64 offset, LogLevel level, const QString &message, const QVariantMap &fields = {})
    {
        log.append({std::min(row.startedAtMSecs + offset, finishedMSecs), level, message, fields});
    }
};

DemoRunHistory::DemoRunHistory(QSqlDatabase db, SqlDialect dialect, QDateTime now,
                               const QTimeZone &zone, QRandomGenerator &random)
    : m_db(db)
    , m_dialect(dialect)
    , m_now(std::move(now))
    , m_zone(zone)
    , m_random(random)
{}

DemoRunHistory::~DemoRunHistory() = default;

QList<QDateTime> DemoRunHistory::monthlyOccurrences(const QDateTime &now, const QTimeZone &zone,
                                                    int months)
{
    const QDate today = now.toTimeZone(zone).date();
    const QDate first(today.year(), today.month(), 1);
    QList<QDateTime> occurrences;
    for (int back = months - 1; back >= 0; --back) {
        const QDateTime occurrence(first.addMonths(-back), QTime(0, 0), zone);
        if (occurrence.toMSecsSinceEpoch() + 5 * minute < now.toMSecsSinceEpoch())
            occurrences.append(occurrence);
    }
    return occurrences;
}

QList<DemoRunHistory::Day> DemoRunHistory::pastDays(QTime at) const
{
    const QDate today = m_now.toTimeZone(m_zone).date();
    QList<Day> days;
    for (int back = historyDays; back >= 0; --back) {
        const QDateTime occurrence(today.addDays(-back), at, m_zone);
        // Only occurrences whose run is long over: no row may look as if it were running.
        if (occurrence.toMSecsSinceEpoch() + 5 * minute < m_now.toMSecsSinceEpoch())
            days.append({occurrence, 0, days.size()});
    }
    // Counted from the latest day that is over, as the stories below are told.
    for (Day &day : days)
        day.daysAgo = days.size() - 1 - day.index;
    return days;
}

QString DemoRunHistory::instanceId()
{
    static const QStringList hosts{QStringLiteral("console-web01"),
                                   QStringLiteral("console-web02")};
    return QStringLiteral("%1-%2").arg(hosts.at(m_random.bounded(int(hosts.size()))),
                                       QString::number(m_random.bounded(2000, 60000)));
}

DemoRunHistory::Run DemoRunHistory::scheduled(const QString &job, const QDateTime &occurrence,
                                              qint64 durationMSecs)
{
    Run run;
    run.row.job = job;
    run.row.trigger = QStringLiteral("scheduled");
    run.row.status = QStringLiteral("succeeded");
    run.row.occurrenceMSecs = occurrence.toMSecsSinceEpoch();
    run.row.occurrenceKey = occurrence.toUTC().toString(Qt::ISODateWithMs);
    run.row.startedAtMSecs = run.row.occurrenceMSecs + m_random.bounded(40, 900);
    run.finishedMSecs = run.row.startedAtMSecs + durationMSecs;
    run.row.instanceId = instanceId();
    return run;
}

DemoRunHistory::Run DemoRunHistory::byHand(const QString &job, qint64 startedMSecs,
                                           qint64 durationMSecs, const QString &who,
                                           const QString &why)
{
    Run run;
    run.row.job = job;
    run.row.trigger = QStringLiteral("manual");
    run.row.status = QStringLiteral("succeeded");
    run.row.occurrenceMSecs = startedMSecs; // store() gives it "manual:<uuid>", as RunJournal does
    run.row.startedAtMSecs = startedMSecs;
    run.finishedMSecs = startedMSecs + durationMSecs;
    run.row.requestedBy = who;
    run.row.reason = why;
    run.row.instanceId = QStringLiteral("jobctl-admin01-%1").arg(m_random.bounded(2000, 60000));
    return run;
}

std::optional<QString> DemoRunHistory::write()
{
    writeTopUps();
    writePurchaseCleanups();
    writeUploadCleanups();
    writeRetentions();
    // In the order they happened, as a live journal numbers them: "newest first" by id holds.
    std::stable_sort(m_pending.begin(), m_pending.end(), [](const Run &a, const Run &b) {
        return a.row.startedAtMSecs < b.row.startedAtMSecs;
    });
    for (Run &run : m_pending) {
        if (auto error = store(run))
            return error;
    }
    m_pending.clear();
    return std::nullopt;
}

void DemoRunHistory::add(const Run &run)
{
    m_pending.push_back(run);
}

namespace {

QVariant jsonOrNull(const QJsonObject &object)
{
    return object.isEmpty()
               ? SqlStatement::null<QString>()
               : QVariant(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

} // namespace

std::optional<QString> DemoRunHistory::store(Run &run)
{
    if (run.row.trigger == QLatin1String("manual"))
        run.row.occurrenceKey = QStringLiteral("manual:") + SeedIds::uuid(m_random);
    // Never later than now: the demo has no future.
    run.finishedMSecs = std::min(run.finishedMSecs, m_now.toMSecsSinceEpoch() - second);
    const auto id = insertRow(run);
    if (!id)
        return id.error();
    RowBatcher logs(m_db, QStringLiteral("jc_run_logs"),
                    {QStringLiteral("run_id"), QStringLiteral("seq"),
                     QStringLiteral("logged_at_ms"), QStringLiteral("level"),
                     QStringLiteral("message"), QStringLiteral("fields")});
    for (qsizetype seq = 0; seq < run.log.size(); ++seq) {
        const LogLine &line = run.log.at(seq);
        if (auto error =
                logs.add({id.value(), int(seq), line.timeMSecs, toText(line.level), line.message,
                          jsonOrNull(QJsonObject::fromVariantMap(line.fields))}))
            return error;
    }
    if (auto error = logs.flush())
        return error;
    ++m_runsByJob[run.row.job];
    ++m_runsByStatus[run.row.status];
    return std::nullopt;
}

Expected<qint64, QString> DemoRunHistory::insertRow(const Run &run)
{
    NewRunRow row = run.row;
    row.finishedAtMSecs = run.finishedMSecs;
    if (row.attempts > 0) // a missed occurrence never ran: it has no heartbeat
        row.heartbeatAtMSecs = run.finishedMSecs;
    row.summary = jsonOrNull(run.summary);
    const auto id = RunRows::insert(m_db, m_dialect, row);
    if (!id)
        return Unexpected(QStringLiteral("Could not write a run of \"%1\": %2")
                              .arg(run.row.job, SqlErrors::text(id.error())));
    if (!id.value())
        return Unexpected(QStringLiteral("Could not write a run of \"%1\": its occurrence %2 "
                                         "is written already")
                              .arg(run.row.job, run.row.occurrenceKey));
    return *id.value();
}

// One side of a period's grants as a run's summary tells it: per limit, and in total.
struct DemoRunHistory::TopUpShare
{
    QJsonObject byLimit;
    qint64 users = 0;
    qint64 credits = 0;

    void add(int limit, qint64 limitUsers, qint64 limitCredits)
    {
        byLimit.insert(QString::number(limit),
                       QJsonObject{{QStringLiteral("users"), limitUsers},
                                   {QStringLiteral("credits"), limitCredits}});
        users += limitUsers;
        credits += limitCredits;
    }

    [[nodiscard]] QJsonObject summary(const QString &period) const
    {
        return {{QStringLiteral("period"), period},
                {QStringLiteral("usersToppedUp"), users},
                {QStringLiteral("creditsGranted"), credits},
                {QStringLiteral("byLimit"), byLimit}};
    }
};

DemoRunHistory::TopUpTally DemoRunHistory::tallyFor(const QString &period)
{
    TopUpTally tally = m_topUps.value(period);
    if (tally.usersByLimit.isEmpty()) {
        tally.usersByLimit = {{10, m_random.bounded(90, 140)}, {25, m_random.bounded(30, 50)}};
        tally.creditsByLimit = {{10, tally.usersByLimit[10] * 6},
                                {25, tally.usersByLimit[25] * 14}};
    }
    return tally;
}

std::pair<DemoRunHistory::TopUpShare, DemoRunHistory::TopUpShare>
DemoRunHistory::splitAtCancel(const TopUpTally &tally, bool cancelled)
{
    TopUpShare first;
    TopUpShare rest;
    for (auto it = tally.usersByLimit.cbegin(); it != tally.usersByLimit.cend(); ++it) {
        const qint64 limitCredits = tally.creditsByLimit.value(it.key());
        const qint64 part = cancelled ? it.value() / 3 : 0;
        const qint64 partCredits = it.value() > 0 ? limitCredits * part / it.value() : 0;
        rest.add(it.key(), it.value() - part, limitCredits - partCredits);
        first.add(it.key(), part, partCredits);
    }
    return {first, rest};
}

void DemoRunHistory::writeTopUps()
{
    const QList<QDateTime> occurrences = monthlyOccurrences(m_now, m_zone, 4);
    for (qsizetype i = 0; i < occurrences.size(); ++i) {
        const QDateTime &occurrence = occurrences.at(i);
        const QString period = occurrence.toTimeZone(m_zone).toString(QStringLiteral("yyyy-MM"));
        const TopUpTally tally = tallyFor(period);
        // The second-oldest month: an admin cancelled it after the first batch and finished it
        // by hand the same morning. The summaries split the month's grants between the two.
        const bool cancelled = i == 1 && occurrences.size() > 2;
        const auto [first, rest] = splitAtCancel(tally, cancelled);
        Run run = scheduled(topUpJob, occurrence, m_random.bounded(900, 2400));
        run.line(5, LogLevel::Info, QStringLiteral("Topping up free credits"),
                 {{QStringLiteral("period"), period}, {QStringLiteral("batchSize"), 100}});
        if (cancelled) {
            cancelTopUp(run, period, first);
            add(run);
            run = finishCancelledTopUp(run, period);
        }
        run.row.progressDone = demoUsers;
        run.row.progressTotal = demoUsers;
        run.row.progressText = QStringLiteral("users");
        run.summary = rest.summary(period);
        run.line(run.finishedMSecs - run.row.startedAtMSecs - 3, LogLevel::Info,
                 QStringLiteral("Top-up done"),
                 {{QStringLiteral("usersToppedUp"), rest.users},
                  {QStringLiteral("creditsGranted"), rest.credits}});
        add(run);
    }
}

void DemoRunHistory::cancelTopUp(Run &run, const QString &period, const TopUpShare &first)
{
    run.row.status = QStringLiteral("cancelled");
    run.row.cancelRequestedBy = QStringLiteral("alice");
    run.row.cancelRequestedAtMSecs = run.row.startedAtMSecs + 700;
    run.finishedMSecs = run.row.startedAtMSecs + 1100;
    run.row.error = QStringLiteral("Cancelled on request: Stopped between batches after 100 "
                                   "of %1 users")
                        .arg(demoUsers);
    run.row.progressDone = 100;
    run.row.progressTotal = demoUsers;
    run.row.progressText = QStringLiteral("users");
    run.summary = first.summary(period);
    run.line(400, LogLevel::Info, QStringLiteral("Batch committed"),
             {{QStringLiteral("batch"), 1},
              {QStringLiteral("users"), 100},
              {QStringLiteral("toppedUp"), first.users}});
    run.line(1050, LogLevel::Warning, QStringLiteral("Stopping: cancel requested"),
             {{QStringLiteral("by"), QStringLiteral("alice")},
              {QStringLiteral("done"), 100},
              {QStringLiteral("total"), demoUsers}});
}

DemoRunHistory::Run DemoRunHistory::finishCancelledTopUp(const Run &cancelled,
                                                         const QString &period)
{
    // The manual run that finished the month: nobody is granted twice (the period key).
    Run rest = byHand(topUpJob, cancelled.finishedMSecs + 2 * hour + 13 * minute, 1500,
                      QStringLiteral("alice"),
                      QStringLiteral("Finish the %1 top-up cancelled this morning during "
                                     "the database maintenance")
                          .arg(period));
    rest.line(5, LogLevel::Info, QStringLiteral("Topping up free credits"),
              {{QStringLiteral("period"), period}, {QStringLiteral("batchSize"), 100}});
    return rest;
}

void DemoRunHistory::writePurchaseCleanups()
{
    for (const Day &day : pastDays(QTime(0, 0))) {
        Run run = scheduled(purchaseJob, day.occurrence, m_random.bounded(80, 1400));
        const QString cutoff = iso(run.row.occurrenceMSecs - 7 * (24 * hour));
        const int pending = m_random.bounded(0, 7);
        const int failed = m_random.bounded(0, 3);
        const QVariantMap start{{QStringLiteral("cutoff"), cutoff},
                                {QStringLiteral("olderThanDays"), 7},
                                {QStringLiteral("statuses"), QStringLiteral("pending,failed")}};
        if (day.daysAgo == 4) {
            // Every attempt found the database locked (a long backup held the write lock).
            run.row.trigger = QStringLiteral("retry");
            run.row.attempts = 3;
            run.row.startedAtMSecs += 3 * minute;
            run.finishedMSecs = run.row.startedAtMSecs + 5 * second;
            run.row.status = QStringLiteral("failed");
            run.row.error = QStringLiteral("Could not delete stale purchases: database is locked");
            run.line(0, LogLevel::Info, QStringLiteral("Deleting stale purchases"), start);
            run.line(5 * second, LogLevel::Error, QStringLiteral("Delete failed"),
                     {{QStringLiteral("error"), QStringLiteral("database is locked")},
                      {QStringLiteral("attempt"), 3},
                      {QStringLiteral("transient"), true}});
        } else {
            if (day.daysAgo == 5) { // locked on the first attempt, fine on the retry
                run.row.trigger = QStringLiteral("retry");
                run.row.attempts = 2;
                run.row.startedAtMSecs += 30 * second;
                run.finishedMSecs += 30 * second;
                run.line(0, LogLevel::Warning, QStringLiteral("Retrying after a transient error"),
                         {{QStringLiteral("attempt"), 2},
                          {QStringLiteral("previousError"), QStringLiteral("database is locked")}});
            }
            run.line(1, LogLevel::Info, QStringLiteral("Deleting stale purchases"), start);
            run.summary = {
                {QStringLiteral("deleted"), pending + failed},
                {QStringLiteral("byStatus"), QJsonObject{{QStringLiteral("pending"), pending},
                                                         {QStringLiteral("failed"), failed}}},
                {QStringLiteral("cutoff"), cutoff}};
            run.line(run.finishedMSecs - run.row.startedAtMSecs, LogLevel::Info,
                     QStringLiteral("Deleted stale purchases"),
                     {{QStringLiteral("deleted"), pending + failed},
                      {QStringLiteral("pending"), pending},
                      {QStringLiteral("failed"), failed}});
        }
        add(run);
        if (day.daysAgo == 3) { // an admin ran it by hand in the afternoon
            Run manual = byHand(purchaseJob, run.row.occurrenceMSecs + 14 * hour + 20 * minute, 410,
                                QStringLiteral("bob"),
                                QStringLiteral("Support ticket #4471: clear abandoned checkouts "
                                               "before the monthly report"));
            const QString manualCutoff = iso(manual.row.startedAtMSecs - 7 * (24 * hour));
            manual.summary = {
                {QStringLiteral("deleted"), 1},
                {QStringLiteral("byStatus"),
                 QJsonObject{{QStringLiteral("pending"), 1}, {QStringLiteral("failed"), 0}}},
                {QStringLiteral("cutoff"), manualCutoff}};
            manual.line(1, LogLevel::Info, QStringLiteral("Deleting stale purchases"),
                        {{QStringLiteral("cutoff"), manualCutoff}});
            manual.line(400, LogLevel::Info, QStringLiteral("Deleted stale purchases"),
                        {{QStringLiteral("deleted"), 1}});
            add(manual);
        }
    }
}

// What one day's upload cleanup found, drawn once and told by its run and its dry run alike.
struct DemoRunHistory::UploadTally
{
    int scanned = 0;
    int deleted = 0;
    int tooYoung = 0;
    QJsonObject summary;
};

DemoRunHistory::UploadTally DemoRunHistory::uploadTally(const Day &day)
{
    UploadTally tally;
    tally.scanned = 150 + int(day.index) * 2 + m_random.bounded(0, 10);
    tally.deleted = m_random.bounded(0, 6);
    tally.tooYoung = m_random.bounded(0, 5);
    tally.summary = {
        {QStringLiteral("filesScanned"), tally.scanned},
        {QStringLiteral("referenced"), tally.scanned - tally.deleted - tally.tooYoung - 4},
        {QStringLiteral("deleted"), tally.deleted},
        {QStringLiteral("bytesFreed"), tally.deleted * m_random.bounded(20000, 900000)},
        {QStringLiteral("foldersRemoved"), tally.deleted > 3 ? 1 : 0},
        {QStringLiteral("keptTooYoung"), tally.tooYoung},
        {QStringLiteral("skippedSymlinks"), 0},
        {QStringLiteral("errors"), 0},
        {QStringLiteral("dryRun"), false}};
    return tally;
}

void DemoRunHistory::writeUploadCleanups()
{
    for (const Day &day : pastDays(QTime(0, 0))) {
        const UploadTally tally = uploadTally(day);
        Run run = scheduled(uploadsJob, day.occurrence, m_random.bounded(3000, 40000));
        run.line(1, LogLevel::Info, QStringLiteral("Reading references"),
                 {{QStringLiteral("sources"),
                   QStringLiteral("blocks.data, team_block_states.player_data")}});
        if (day.daysAgo == 7) {
            add(missedUploadCleanup(run, day));
            continue;
        }
        if (day.daysAgo == 6) { // the catch-up of the occurrence missed the day before
            run.row.trigger = QStringLiteral("catch-up");
            run.row.startedAtMSecs += 8 * hour + 12 * minute;
            run.finishedMSecs += 8 * hour + 12 * minute;
        }
        endUploadCleanup(run, day, tally);
        add(run);
        if (day.daysAgo == 2) { // a dry run by hand: what would go
            Run dry = byHand(uploadsJob, run.row.occurrenceMSecs + 10 * hour + 5 * minute, 4200,
                             QStringLiteral("carol"),
                             QStringLiteral("Check what the cleanup would delete after moving "
                                            "the uploads to the new disk"));
            dry.row.dryRun = true;
            dry.summary = tally.summary;
            dry.summary.insert(QStringLiteral("dryRun"), true);
            dry.line(4100, LogLevel::Info, QStringLiteral("Would delete files"),
                     {{QStringLiteral("count"), tally.deleted}});
            add(dry);
        }
    }
}

DemoRunHistory::Run DemoRunHistory::missedUploadCleanup(const Run &run, const Day &day)
{
    // The instance was down over midnight: the occurrence is recorded missed, and the next
    // start ran the following one as a catch-up (daysAgo 6).
    Run missed = run;
    missed.row.status = QStringLiteral("missed");
    missed.row.attempts = 0;
    missed.log.clear();
    missed.row.missedCount = 1;
    missed.row.startedAtMSecs =
        day.occurrence.addDays(1).toMSecsSinceEpoch() + 8 * hour + 12 * minute;
    missed.finishedMSecs = missed.row.startedAtMSecs;
    missed.row.occurrenceKey =
        QStringLiteral("skipped:%1:%2")
            .arg(day.occurrence.toUTC().toString(Qt::ISODateWithMs), SeedIds::uuid(m_random));
    missed.row.error = QStringLiteral("1 occurrence(s) from %1 came due while no instance was "
                                      "running; missed-run policy: catch-up, the latest runs "
                                      "as a catch-up")
                           .arg(IsoTime::format(day.occurrence, true));
    missed.row.reason = missed.row.error;
    return missed;
}

void DemoRunHistory::endUploadCleanup(Run &run, const Day &day, const UploadTally &tally)
{
    if (day.daysAgo == 15) {
        run.row.status = QStringLiteral("interrupted");
        run.finishedMSecs = run.row.startedAtMSecs + 2 * minute + 40 * second;
        run.row.error = leaseExpired;
        run.row.progressDone = 61;
        run.row.progressTotal = tally.scanned;
        run.row.progressText = QStringLiteral("files");
        run.line(2 * second, LogLevel::Info, QStringLiteral("Scanning files"),
                 {{QStringLiteral("root"), QStringLiteral("/srv/game/static/uploads")}});
    } else if (day.daysAgo == 1) {
        run.row.status = QStringLiteral("failed");
        run.finishedMSecs = run.row.startedAtMSecs + 10 * second;
        run.row.error = QStringLiteral("Could not read the references: ") + connectionRefused;
        run.line(10 * second, LogLevel::Error, QStringLiteral("Could not read the references"),
                 {{QStringLiteral("error"), connectionRefused}});
    } else if (day.daysAgo == 4) {
        run.row.status = QStringLiteral("timed_out");
        run.finishedMSecs = run.row.startedAtMSecs + 30 * minute + 2 * second;
        run.row.error = QStringLiteral("Timed out after 30 min: Stopped after scanning 18204 of "
                                       "40112 files");
        run.row.progressDone = 18204;
        run.row.progressTotal = 40112;
        run.row.progressText = QStringLiteral("files");
        run.summary = tally.summary;
        run.summary.insert(QStringLiteral("filesScanned"), 18204);
        run.line(30 * minute, LogLevel::Warning, QStringLiteral("Stopping: timed out"),
                 {{QStringLiteral("scanned"), 18204}, {QStringLiteral("total"), 40112}});
    } else {
        run.summary = tally.summary;
        run.row.progressDone = tally.scanned;
        run.row.progressTotal = tally.scanned;
        run.row.progressText = QStringLiteral("files");
        run.line(run.finishedMSecs - run.row.startedAtMSecs, LogLevel::Info,
                 QStringLiteral("Cleanup done"),
                 {{QStringLiteral("deleted"), tally.deleted},
                  {QStringLiteral("keptTooYoung"), tally.tooYoung}});
    }
}

void DemoRunHistory::writeRetentions()
{
    for (const Day &day : pastDays(QTime(3, 17))) {
        Run run = scheduled(retentionJob, day.occurrence, m_random.bounded(60, 500));
        if (day.daysAgo == 3) {
            run.row.status = QStringLiteral("failed");
            run.row.error = QStringLiteral("Could not delete old runs of \"Orphaned Uploads "
                                           "Cleanup\": database or disk is full");
            run.line(run.finishedMSecs - run.row.startedAtMSecs, LogLevel::Error,
                     QStringLiteral("Delete failed"),
                     {{QStringLiteral("job"), uploadsJob},
                      {QStringLiteral("error"), QStringLiteral("database or disk is full")}});
        } else {
            run.summary = {{QStringLiteral("jobs"), 4},
                           {QStringLiteral("runsDeleted"), 0},
                           {QStringLiteral("dryRun"), false}};
            run.line(run.finishedMSecs - run.row.startedAtMSecs, LogLevel::Info,
                     QStringLiteral("Retention done"),
                     {{QStringLiteral("jobs"), 4}, {QStringLiteral("runsDeleted"), 0}});
        }
        add(run);
    }
}

} // namespace jc
