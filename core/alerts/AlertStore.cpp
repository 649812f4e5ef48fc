#include "alerts/AlertStore.h"

#include "alerts/AlertDecision.h"
#include "storage/SqlErrors.h"
#include "storage/SqlStatement.h"

#include <QJsonDocument>

namespace jc {

AlertStore::AlertStore(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

Expected<int, QString> AlertStore::failuresBefore(const QString &job, qint64 runId, int limit) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    // ix_jc_runs_job_newest, from the run down. Skipped, missed and cancelled runs lie
    // between the counted ones; reading four times the limit bounds the walk all the same.
    SqlStatement select(db.value(),
                        QStringLiteral("SELECT status, dry_run FROM jc_runs WHERE job_name = :job "
                                       "AND id < :run ORDER BY id DESC LIMIT :rows"));
    if (const auto failed =
            select.exec({{QStringLiteral(":job"), job},
                         {QStringLiteral(":run"), runId > 0 ? runId : qint64(1) << 62},
                         {QStringLiteral(":rows"), limit * 4}}))
        return Unexpected(QStringLiteral("Could not read the runs of %1 before run %2: %3")
                              .arg(job)
                              .arg(runId)
                              .arg(failed->text()));
    int failures = 0;
    while (failures < limit && select.next()) {
        const auto outcome = runOutcomeFromString(select.value(0).toString());
        if (!outcome || !AlertDecision::countsInStreak(*outcome, select.value(1).toBool()))
            continue;
        if (!AlertDecision::isFailure(*outcome))
            break;
        ++failures;
    }
    return failures;
}

Expected<bool, QString> AlertStore::claim(const Alert &alert) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    // PostgreSQL and SQLite: an event on record is no error (a failed INSERT would put one
    // in PostgreSQL's log for each instance but the first). MySQL: a duplicate key, read
    // below (ON DUPLICATE KEY's row count depends on the client's flags).
    const bool mysql = m_connections->dialect() == SqlDialect::MySql;
    SqlStatement insert(
        db.value(),
        QStringLiteral("INSERT INTO jc_alerts (event_key, job_name, kind, run_id, "
                       "instance_id, created_at_ms, payload) VALUES (:key, :job, "
                       ":kind, :run, :instance, :at, :payload)") +
            (mysql ? QString() : QStringLiteral(" ON CONFLICT (event_key) DO NOTHING")));
    const auto failed = insert.exec(
        {{QStringLiteral(":key"), alert.eventKey()},
         {QStringLiteral(":job"), alert.job},
         {QStringLiteral(":kind"), toText(alert.kind)},
         {QStringLiteral(":run"),
          alert.runId > 0 ? QVariant(alert.runId) : SqlStatement::null<qint64>()},
         {QStringLiteral(":instance"), SqlStatement::nullIfEmpty(alert.instance)},
         {QStringLiteral(":at"), alert.at.toMSecsSinceEpoch()},
         {QStringLiteral(":payload"),
          QString::fromUtf8(QJsonDocument(alert.toJson()).toJson(QJsonDocument::Compact))}});
    if (!failed)
        return mysql || insert.numRowsAffected() == 1;
    if (SqlErrors::isUniqueViolation(failed->error, m_connections->dialect()))
        return false;
    return Unexpected(
        QStringLiteral("Could not record the alert %1: %2").arg(alert.eventKey(), failed->text()));
}

Expected<QList<RunRecord>, QString> AlertStore::interruptedSince(const QString &job,
                                                                 qint64 sinceMSecs) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement select(db.value(),
                        QStringLiteral("SELECT id, occurrence_ms, started_at_ms, finished_at_ms, "
                                       "error, dry_run FROM jc_runs WHERE job_name = :job AND "
                                       "status = :status AND finished_at_ms >= :since"));
    QList<RunRecord> runs;
    for (const RunOutcome outcome : {RunOutcome::Interrupted, RunOutcome::Abandoned}) {
        if (const auto failed = select.exec({{QStringLiteral(":job"), job},
                                             {QStringLiteral(":status"), toText(outcome)},
                                             {QStringLiteral(":since"), sinceMSecs}}))
            return Unexpected(QStringLiteral("Could not read the interrupted runs of %1: %2")
                                  .arg(job, failed->text()));
        while (select.next()) {
            RunRecord run;
            run.storedRunId = select.value(0).toLongLong();
            run.info.job = job;
            run.info.occurrence =
                QDateTime::fromMSecsSinceEpoch(select.value(1).toLongLong(), Qt::UTC);
            run.info.startedAt =
                QDateTime::fromMSecsSinceEpoch(select.value(2).toLongLong(), Qt::UTC);
            run.finishedAt = QDateTime::fromMSecsSinceEpoch(select.value(3).toLongLong(), Qt::UTC);
            run.error = select.value(4).toString();
            run.info.dryRun = select.value(5).toBool();
            run.outcome = outcome;
            runs.append(run);
        }
    }
    return runs;
}

Expected<QList<RunRecord>, QString> AlertStore::running(const QString &job) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement select(db.value(),
                        QStringLiteral("SELECT id, occurrence_ms, started_at_ms, dry_run FROM "
                                       "jc_runs WHERE job_name = :job AND status = :running"));
    if (const auto failed =
            select.exec({{QStringLiteral(":job"), job},
                         {QStringLiteral(":running"), toText(RunOutcome::Running)}}))
        return Unexpected(
            QStringLiteral("Could not read the runs of %1 going on: %2").arg(job, failed->text()));
    QList<RunRecord> runs;
    while (select.next()) {
        RunRecord run;
        run.storedRunId = select.value(0).toLongLong();
        run.info.job = job;
        run.info.occurrence = QDateTime::fromMSecsSinceEpoch(select.value(1).toLongLong(), Qt::UTC);
        run.info.startedAt = QDateTime::fromMSecsSinceEpoch(select.value(2).toLongLong(), Qt::UTC);
        run.info.dryRun = select.value(3).toBool();
        runs.append(run);
    }
    return runs;
}

Expected<QList<qint64>, QString> AlertStore::recentDurations(const QString &job, int limit) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement select(
        db.value(),
        QStringLiteral("SELECT finished_at_ms - started_at_ms, dry_run FROM jc_runs WHERE "
                       "job_name = :job AND status = :succeeded AND finished_at_ms IS NOT NULL "
                       "AND started_at_ms IS NOT NULL ORDER BY finished_at_ms DESC LIMIT :rows"));
    // Dry runs are read and passed over (few: each is a person's request).
    if (const auto failed =
            select.exec({{QStringLiteral(":job"), job},
                         {QStringLiteral(":succeeded"), toText(RunOutcome::Succeeded)},
                         {QStringLiteral(":rows"), limit * 2}}))
        return Unexpected(QStringLiteral("Could not read how long the runs of %1 took: %2")
                              .arg(job, failed->text()));
    QList<qint64> durations;
    while (durations.size() < limit && select.next()) {
        if (!select.value(1).toBool())
            durations.append(select.value(0).toLongLong());
    }
    return durations;
}

Expected<QList<Alert>, QString> AlertStore::latest(int limit) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement select(db.value(), QStringLiteral("SELECT payload FROM jc_alerts ORDER BY id "
                                                   "DESC LIMIT :rows"));
    if (const auto failed = select.exec({{QStringLiteral(":rows"), limit}}))
        return Unexpected(QStringLiteral("Could not read the alerts: ") + failed->text());
    QList<Alert> alerts;
    while (select.next()) {
        alerts.append(
            Alert::fromJson(QJsonDocument::fromJson(select.value(0).toString().toUtf8()).object()));
    }
    return alerts;
}

} // namespace jc
