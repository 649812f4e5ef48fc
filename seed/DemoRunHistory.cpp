#include "seed/DemoRunHistory.h"

#include "common/IsoTime.h"
#include "engine/LogLine.h"
#include "seed/RowBatcher.h"
#include "seed/SeedIds.h"
#include "storage/RunRows.h"
#include "storage/SqlErrors.h"

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

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QVariant nullable(qint64 value)
{
    return value < 0 ? QVariant(QMetaType::fromType<qint64>()) : QVariant(value);
}

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

struct DemoRunHistory::Run
{
    QString job;
    QString trigger = QStringLiteral("scheduled");
    QString status = QStringLiteral("succeeded");
    qint64 occurrenceMSecs = 0;
    QString occurrenceKey;
    qint64 startedMSecs = 0;
    qint64 finishedMSecs = 0;
    int attempts = 1;
    QString instanceId;
    QString requestedBy;
    QString reason;
    QString error;
    bool dryRun = false;
    QJsonObject summary;
    qint64 progressDone = -1;
    qint64 progressTotal = -1;
    QString progressText;
    qint64 cancelRequestedMSecs = -1;
    QString cancelRequestedBy;
    int missedCount = 0;
    QList<LogLine> log;

    // A log line `offset` ms after the start (clamped to the run's end).
    void line(qint64 offset, LogLevel level, const QString &message, const QVariantMap &fields = {})
    {
        log.append({std::min(startedMSecs + offset, finishedMSecs), level, message, fields});
    }
    void manual(const QString &who, const QString &why, qint64 at)
    {
        trigger = QStringLiteral("manual");
        occurrenceMSecs = at;
        occurrenceKey.clear(); // insert() gives it "manual:<uuid>", as RunJournal does
        requestedBy = who;
        reason = why;
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

QList<QDateTime> DemoRunHistory::dailyOccurrences(QTime at, int days) const
{
    const QDate today = m_now.toTimeZone(m_zone).date();
    QList<QDateTime> occurrences;
    for (int back = days; back >= 0; --back) {
        const QDateTime occurrence(today.addDays(-back), at, m_zone);
        // Only occurrences whose run is long over: no row may look as if it were running.
        if (occurrence.toMSecsSinceEpoch() + 5 * minute < m_now.toMSecsSinceEpoch())
            occurrences.append(occurrence);
    }
    return occurrences;
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
    run.job = job;
    run.occurrenceMSecs = occurrence.toMSecsSinceEpoch();
    run.occurrenceKey = occurrence.toUTC().toString(Qt::ISODateWithMs);
    run.startedMSecs = run.occurrenceMSecs + m_random.bounded(40, 900);
    run.finishedMSecs = run.startedMSecs + durationMSecs;
    run.instanceId = instanceId();
    return run;
}

std::optional<QString> DemoRunHistory::write()
{
    for (auto writer : {&DemoRunHistory::writeTopUps, &DemoRunHistory::writePurchaseCleanups,
                        &DemoRunHistory::writeUploadCleanups, &DemoRunHistory::writeRetentions}) {
        if (auto error = (this->*writer)())
            return error;
    }
    // In the order they happened, as a live journal numbers them: "newest first" by id holds.
    std::stable_sort(m_pending.begin(), m_pending.end(),
                     [](const Run &a, const Run &b) { return a.startedMSecs < b.startedMSecs; });
    for (Run &run : m_pending) {
        if (auto error = store(run))
            return error;
    }
    m_pending.clear();
    return std::nullopt;
}

std::optional<QString> DemoRunHistory::insert(Run &run)
{
    m_pending.push_back(run);
    return std::nullopt;
}

namespace {

QVariant jsonOrNull(const QJsonObject &object)
{
    return object.isEmpty()
               ? nullable(QString())
               : QVariant(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

} // namespace

std::optional<QString> DemoRunHistory::store(Run &run)
{
    if (run.trigger == QLatin1String("manual"))
        run.occurrenceKey = QStringLiteral("manual:") + SeedIds::uuid(m_random);
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
    ++m_runsByJob[run.job];
    ++m_runsByStatus[run.status];
    return std::nullopt;
}

Expected<qint64, QString> DemoRunHistory::insertRow(const Run &run)
{
    NewRunRow row;
    row.job = run.job;
    row.trigger = run.trigger;
    row.occurrenceMSecs = run.occurrenceMSecs;
    row.occurrenceKey = run.occurrenceKey;
    row.status = run.status;
    row.startedAtMSecs = run.startedMSecs;
    row.finishedAtMSecs = run.finishedMSecs;
    if (run.attempts > 0)
        row.heartbeatAtMSecs = run.finishedMSecs;
    row.attempts = run.attempts;
    row.instanceId = run.instanceId;
    row.requestedBy = run.requestedBy;
    row.reason = run.reason;
    row.error = run.error;
    row.dryRun = run.dryRun;
    if (run.missedCount > 0)
        row.missedCount = run.missedCount;
    row.summary = jsonOrNull(run.summary);
    row.progressDone = nullable(run.progressDone);
    row.progressTotal = nullable(run.progressTotal);
    row.progressText = run.progressText;
    row.cancelRequestedAtMSecs = nullable(run.cancelRequestedMSecs);
    row.cancelRequestedBy = run.cancelRequestedBy;
    const auto id = RunRows::insert(m_db, m_dialect, row);
    if (!id)
        return Unexpected(QStringLiteral("Could not write a run of \"%1\": %2")
                              .arg(run.job, SqlErrors::text(id.error())));
    if (!id.value())
        return Unexpected(QStringLiteral("Could not write a run of \"%1\": its occurrence %2 "
                                         "is written already")
                              .arg(run.job, run.occurrenceKey));
    return *id.value();
}

std::optional<QString> DemoRunHistory::writeTopUps()
{
    const QList<QDateTime> occurrences = monthlyOccurrences(m_now, m_zone, 4);
    for (qsizetype i = 0; i < occurrences.size(); ++i) {
        const QDateTime &occurrence = occurrences.at(i);
        const QString period = occurrence.toTimeZone(m_zone).toString(QStringLiteral("yyyy-MM"));
        TopUpTally tally = m_topUps.value(period);
        if (tally.usersByLimit.isEmpty()) {
            tally.usersByLimit = {{10, m_random.bounded(90, 140)}, {25, m_random.bounded(30, 50)}};
            tally.creditsByLimit = {{10, tally.usersByLimit[10] * 6},
                                    {25, tally.usersByLimit[25] * 14}};
        }
        // The second-oldest month: an admin cancelled it after the first batch and finished it
        // by hand the same morning. The summaries split the month's grants between the two.
        const bool cancelled = i == 1 && occurrences.size() > 2;
        QJsonObject byLimit;
        QJsonObject firstByLimit;
        qint64 users = 0;
        qint64 credits = 0;
        qint64 firstUsers = 0;
        qint64 firstCredits = 0;
        for (auto it = tally.usersByLimit.cbegin(); it != tally.usersByLimit.cend(); ++it) {
            const qint64 limitCredits = tally.creditsByLimit.value(it.key());
            const qint64 part = cancelled ? it.value() / 3 : 0;
            const qint64 partCredits = it.value() > 0 ? limitCredits * part / it.value() : 0;
            byLimit.insert(QString::number(it.key()),
                           QJsonObject{{QStringLiteral("users"), it.value() - part},
                                       {QStringLiteral("credits"), limitCredits - partCredits}});
            firstByLimit.insert(QString::number(it.key()),
                                QJsonObject{{QStringLiteral("users"), part},
                                            {QStringLiteral("credits"), partCredits}});
            users += it.value() - part;
            credits += limitCredits - partCredits;
            firstUsers += part;
            firstCredits += partCredits;
        }
        const qint64 total = 300;
        Run run = scheduled(topUpJob, occurrence, m_random.bounded(900, 2400));
        run.line(5, LogLevel::Info, QStringLiteral("Topping up free credits"),
                 {{QStringLiteral("period"), period}, {QStringLiteral("batchSize"), 100}});
        if (cancelled) {
            run.status = QStringLiteral("cancelled");
            run.cancelRequestedBy = QStringLiteral("alice");
            run.cancelRequestedMSecs = run.startedMSecs + 700;
            run.finishedMSecs = run.startedMSecs + 1100;
            run.error = QStringLiteral("Cancelled on request: Stopped between batches after 100 "
                                       "of %1 users")
                            .arg(total);
            run.progressDone = 100;
            run.progressTotal = total;
            run.progressText = QStringLiteral("users");
            run.summary = {{QStringLiteral("period"), period},
                           {QStringLiteral("usersToppedUp"), firstUsers},
                           {QStringLiteral("creditsGranted"), firstCredits},
                           {QStringLiteral("byLimit"), firstByLimit}};
            run.line(400, LogLevel::Info, QStringLiteral("Batch committed"),
                     {{QStringLiteral("batch"), 1},
                      {QStringLiteral("users"), 100},
                      {QStringLiteral("toppedUp"), firstUsers}});
            run.line(1050, LogLevel::Warning, QStringLiteral("Stopping: cancel requested"),
                     {{QStringLiteral("by"), QStringLiteral("alice")},
                      {QStringLiteral("done"), 100},
                      {QStringLiteral("total"), total}});
            if (auto error = insert(run))
                return error;
            // The manual run that finished the month: nobody is granted twice (the period key).
            Run rest = scheduled(topUpJob, occurrence, m_random.bounded(700, 1800));
            rest.startedMSecs = run.finishedMSecs + 2 * hour + 13 * minute;
            rest.finishedMSecs = rest.startedMSecs + 1500;
            rest.manual(QStringLiteral("alice"),
                        QStringLiteral("Finish the %1 top-up cancelled this morning during the "
                                       "database maintenance")
                            .arg(period),
                        rest.startedMSecs);
            rest.instanceId =
                QStringLiteral("jobctl-admin01-%1").arg(m_random.bounded(2000, 60000));
            rest.line(5, LogLevel::Info, QStringLiteral("Topping up free credits"),
                      {{QStringLiteral("period"), period}, {QStringLiteral("batchSize"), 100}});
            run = std::move(rest);
        }
        run.progressDone = total;
        run.progressTotal = total;
        run.progressText = QStringLiteral("users");
        run.summary = {{QStringLiteral("period"), period},
                       {QStringLiteral("usersToppedUp"), users},
                       {QStringLiteral("creditsGranted"), credits},
                       {QStringLiteral("byLimit"), byLimit}};
        run.line(run.finishedMSecs - run.startedMSecs - 3, LogLevel::Info,
                 QStringLiteral("Top-up done"),
                 {{QStringLiteral("usersToppedUp"), users},
                  {QStringLiteral("creditsGranted"), credits}});
        if (auto error = insert(run))
            return error;
    }
    return std::nullopt;
}

std::optional<QString> DemoRunHistory::writePurchaseCleanups()
{
    const QList<QDateTime> occurrences = dailyOccurrences(QTime(0, 0), historyDays);
    for (qsizetype i = 0; i < occurrences.size(); ++i) {
        const qsizetype daysAgo = occurrences.size() - 1 - i;
        Run run = scheduled(purchaseJob, occurrences.at(i), m_random.bounded(80, 1400));
        const QString cutoff = iso(run.occurrenceMSecs - 7 * (24 * hour));
        const int pending = m_random.bounded(0, 7);
        const int failed = m_random.bounded(0, 3);
        const QVariantMap start{{QStringLiteral("cutoff"), cutoff},
                                {QStringLiteral("olderThanDays"), 7},
                                {QStringLiteral("statuses"), QStringLiteral("pending,failed")}};
        if (daysAgo == 4) {
            // Every attempt found the database locked (a long backup held the write lock).
            run.trigger = QStringLiteral("retry");
            run.attempts = 3;
            run.startedMSecs += 3 * minute;
            run.finishedMSecs = run.startedMSecs + 5 * second;
            run.status = QStringLiteral("failed");
            run.error = QStringLiteral("Could not delete stale purchases: database is locked");
            run.line(0, LogLevel::Info, QStringLiteral("Deleting stale purchases"), start);
            run.line(5 * second, LogLevel::Error, QStringLiteral("Delete failed"),
                     {{QStringLiteral("error"), QStringLiteral("database is locked")},
                      {QStringLiteral("attempt"), 3},
                      {QStringLiteral("transient"), true}});
        } else {
            if (daysAgo == 5) { // locked on the first attempt, fine on the retry
                run.trigger = QStringLiteral("retry");
                run.attempts = 2;
                run.startedMSecs += 30 * second;
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
            run.line(run.finishedMSecs - run.startedMSecs, LogLevel::Info,
                     QStringLiteral("Deleted stale purchases"),
                     {{QStringLiteral("deleted"), pending + failed},
                      {QStringLiteral("pending"), pending},
                      {QStringLiteral("failed"), failed}});
        }
        if (auto error = insert(run))
            return error;
        if (daysAgo == 3) { // an admin ran it by hand in the afternoon
            Run manual = scheduled(purchaseJob, occurrences.at(i), 300);
            manual.startedMSecs = run.occurrenceMSecs + 14 * hour + 20 * minute;
            manual.finishedMSecs = manual.startedMSecs + 410;
            manual.manual(QStringLiteral("bob"),
                          QStringLiteral("Support ticket #4471: clear abandoned checkouts before "
                                         "the monthly report"),
                          manual.startedMSecs);
            manual.instanceId =
                QStringLiteral("jobctl-admin01-%1").arg(m_random.bounded(2000, 60000));
            const QString manualCutoff = iso(manual.startedMSecs - 7 * (24 * hour));
            manual.summary = {
                {QStringLiteral("deleted"), 1},
                {QStringLiteral("byStatus"),
                 QJsonObject{{QStringLiteral("pending"), 1}, {QStringLiteral("failed"), 0}}},
                {QStringLiteral("cutoff"), manualCutoff}};
            manual.line(1, LogLevel::Info, QStringLiteral("Deleting stale purchases"),
                        {{QStringLiteral("cutoff"), manualCutoff}});
            manual.line(400, LogLevel::Info, QStringLiteral("Deleted stale purchases"),
                        {{QStringLiteral("deleted"), 1}});
            if (auto error = insert(manual))
                return error;
        }
    }
    return std::nullopt;
}

std::optional<QString> DemoRunHistory::writeUploadCleanups()
{
    const QList<QDateTime> occurrences = dailyOccurrences(QTime(0, 0), historyDays);
    for (qsizetype i = 0; i < occurrences.size(); ++i) {
        const qsizetype daysAgo = occurrences.size() - 1 - i;
        const int scanned = 150 + int(i) * 2 + m_random.bounded(0, 10);
        const int deleted = m_random.bounded(0, 6);
        const int tooYoung = m_random.bounded(0, 5);
        QJsonObject summary{
            {QStringLiteral("filesScanned"), scanned},
            {QStringLiteral("referenced"), scanned - deleted - tooYoung - 4},
            {QStringLiteral("deleted"), deleted},
            {QStringLiteral("bytesFreed"), deleted * m_random.bounded(20000, 900000)},
            {QStringLiteral("foldersRemoved"), deleted > 3 ? 1 : 0},
            {QStringLiteral("keptTooYoung"), tooYoung},
            {QStringLiteral("skippedSymlinks"), 0},
            {QStringLiteral("errors"), 0},
            {QStringLiteral("dryRun"), false}};
        Run run = scheduled(uploadsJob, occurrences.at(i), m_random.bounded(3000, 40000));
        run.line(1, LogLevel::Info, QStringLiteral("Reading references"),
                 {{QStringLiteral("sources"),
                   QStringLiteral("blocks.data, team_block_states.player_data")}});
        if (daysAgo == 7) {
            // The instance was down over midnight: the occurrence is recorded missed, and the
            // next start ran the following one as a catch-up (below, daysAgo 6).
            Run missed = run;
            missed.status = QStringLiteral("missed");
            missed.attempts = 0;
            missed.log.clear();
            missed.missedCount = 1;
            missed.startedMSecs =
                occurrences.at(i + 1).toMSecsSinceEpoch() + 8 * hour + 12 * minute;
            missed.finishedMSecs = missed.startedMSecs;
            missed.occurrenceKey = QStringLiteral("skipped:%1:%2")
                                       .arg(occurrences.at(i).toUTC().toString(Qt::ISODateWithMs),
                                            SeedIds::uuid(m_random));
            missed.error = QStringLiteral("1 occurrence(s) from %1 came due while no instance was "
                                          "running; missed-run policy: catch-up, the latest runs "
                                          "as a catch-up")
                               .arg(IsoTime::format(occurrences.at(i), true));
            missed.reason = missed.error;
            if (auto error = insert(missed))
                return error;
            continue;
        }
        if (daysAgo == 6) {
            run.trigger = QStringLiteral("catch-up");
            run.startedMSecs += 8 * hour + 12 * minute;
            run.finishedMSecs += 8 * hour + 12 * minute;
        }
        if (daysAgo == 15) {
            run.status = QStringLiteral("interrupted");
            run.finishedMSecs = run.startedMSecs + 2 * minute + 40 * second;
            run.error = leaseExpired;
            run.progressDone = 61;
            run.progressTotal = scanned;
            run.progressText = QStringLiteral("files");
            run.line(2 * second, LogLevel::Info, QStringLiteral("Scanning files"),
                     {{QStringLiteral("root"), QStringLiteral("/srv/game/static/uploads")}});
        } else if (daysAgo == 1) {
            run.status = QStringLiteral("failed");
            run.finishedMSecs = run.startedMSecs + 10 * second;
            run.error = QStringLiteral("Could not read the references: ") + connectionRefused;
            run.line(10 * second, LogLevel::Error, QStringLiteral("Could not read the references"),
                     {{QStringLiteral("error"), connectionRefused}});
        } else if (daysAgo == 4) {
            run.status = QStringLiteral("timed_out");
            run.finishedMSecs = run.startedMSecs + 30 * minute + 2 * second;
            run.error = QStringLiteral("Timed out after 30 min: Stopped after scanning 18204 of "
                                       "40112 files");
            run.progressDone = 18204;
            run.progressTotal = 40112;
            run.progressText = QStringLiteral("files");
            run.summary = summary;
            run.summary.insert(QStringLiteral("filesScanned"), 18204);
            run.line(30 * minute, LogLevel::Warning, QStringLiteral("Stopping: timed out"),
                     {{QStringLiteral("scanned"), 18204}, {QStringLiteral("total"), 40112}});
        } else {
            run.summary = summary;
            run.progressDone = scanned;
            run.progressTotal = scanned;
            run.progressText = QStringLiteral("files");
            run.line(
                run.finishedMSecs - run.startedMSecs, LogLevel::Info,
                QStringLiteral("Cleanup done"),
                {{QStringLiteral("deleted"), deleted}, {QStringLiteral("keptTooYoung"), tooYoung}});
        }
        if (auto error = insert(run))
            return error;
        if (daysAgo == 2) { // a dry run by hand: what would go
            Run dry = scheduled(uploadsJob, occurrences.at(i), 4000);
            dry.startedMSecs = run.occurrenceMSecs + 10 * hour + 5 * minute;
            dry.finishedMSecs = dry.startedMSecs + 4200;
            dry.manual(QStringLiteral("carol"),
                       QStringLiteral("Check what the cleanup would delete after moving the "
                                      "uploads to the new disk"),
                       dry.startedMSecs);
            dry.dryRun = true;
            dry.instanceId = QStringLiteral("jobctl-admin01-%1").arg(m_random.bounded(2000, 60000));
            dry.summary = summary;
            dry.summary.insert(QStringLiteral("dryRun"), true);
            dry.line(4100, LogLevel::Info, QStringLiteral("Would delete files"),
                     {{QStringLiteral("count"), deleted}});
            if (auto error = insert(dry))
                return error;
        }
    }
    return std::nullopt;
}

std::optional<QString> DemoRunHistory::writeRetentions()
{
    const QList<QDateTime> occurrences = dailyOccurrences(QTime(3, 17), historyDays);
    for (qsizetype i = 0; i < occurrences.size(); ++i) {
        const qsizetype daysAgo = occurrences.size() - 1 - i;
        Run run = scheduled(retentionJob, occurrences.at(i), m_random.bounded(60, 500));
        if (daysAgo == 3) {
            run.status = QStringLiteral("failed");
            run.error = QStringLiteral("Could not delete old runs of \"Orphaned Uploads "
                                       "Cleanup\": database or disk is full");
            run.line(run.finishedMSecs - run.startedMSecs, LogLevel::Error,
                     QStringLiteral("Delete failed"),
                     {{QStringLiteral("job"), uploadsJob},
                      {QStringLiteral("error"), QStringLiteral("database or disk is full")}});
        } else {
            run.summary = {{QStringLiteral("jobs"), 4},
                           {QStringLiteral("runsDeleted"), 0},
                           {QStringLiteral("dryRun"), false}};
            run.line(run.finishedMSecs - run.startedMSecs, LogLevel::Info,
                     QStringLiteral("Retention done"),
                     {{QStringLiteral("jobs"), 4}, {QStringLiteral("runsDeleted"), 0}});
        }
        if (auto error = insert(run))
            return error;
    }
    return std::nullopt;
}

} // namespace jc
