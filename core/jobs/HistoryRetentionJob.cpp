#include "jobs/HistoryRetentionJob.h"

#include "engine/JobContext.h"
#include "storage/SqlErrors.h"

#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

namespace jc {

namespace {

constexpr qint64 msPerDay = 24LL * 60 * 60 * 1000;

const QString problemStatuses =
    QStringLiteral("'failed','timed_out','interrupted','abandoned','missed'");

Expected<QStringList, QString> jobNames(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT DISTINCT job_name FROM jc_runs ORDER BY job_name")))
        return SqlErrors::text(query.lastError());
    QStringList names;
    while (query.next())
        names.append(query.value(0).toString());
    return names;
}

// The ids of one batch of runs of `job` that retention may delete.
Expected<QVariantList, QString> deletableBatch(QSqlDatabase &db, const QString &job,
                                               qint64 cutoffMs, qint64 afterId,
                                               const HistoryRetentionJob::Settings &s)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral(
            "SELECT id FROM jc_runs WHERE job_name = :job AND status <> 'running' AND id > :after "
            "AND id < COALESCE((SELECT MIN(id) FROM (SELECT id FROM jc_runs WHERE job_name = :job2 "
            "ORDER BY id DESC LIMIT :keep) newest), 0) "
            "AND NOT (status IN (%1) AND COALESCE(finished_at_ms, started_at_ms, occurrence_ms) "
            ">= :cutoff) ORDER BY id LIMIT :batch")
            .arg(problemStatuses));
    query.bindValue(QStringLiteral(":job"), job);
    query.bindValue(QStringLiteral(":job2"), job);
    query.bindValue(QStringLiteral(":after"), afterId);
    query.bindValue(QStringLiteral(":keep"), s.keepRuns);
    query.bindValue(QStringLiteral(":cutoff"), cutoffMs);
    query.bindValue(QStringLiteral(":batch"), s.batchSize);
    if (!query.exec())
        return SqlErrors::text(query.lastError());
    QVariantList ids;
    while (query.next())
        ids.append(query.value(0));
    return ids;
}

std::optional<QString> deleteBatch(QSqlDatabase &db, const QVariantList &ids)
{
    QStringList marks;
    for (qsizetype i = 0; i < ids.size(); ++i)
        marks.append(QStringLiteral("?"));
    const QString in = marks.join(u',');
    if (!db.transaction())
        return SqlErrors::text(db.lastError());
    for (const QString &table :
         {QStringLiteral("jc_run_logs WHERE run_id"), QStringLiteral("jc_runs WHERE id")}) {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("DELETE FROM %1 IN (%2)").arg(table, in));
        for (const QVariant &id : ids)
            query.addBindValue(id);
        if (!query.exec()) {
            const QString error = SqlErrors::text(query.lastError());
            db.rollback();
            return error;
        }
    }
    if (!db.commit())
        return SqlErrors::text(db.lastError());
    return std::nullopt;
}

} // namespace

JobDefinition HistoryRetentionJob::definition(std::shared_ptr<ConnectionFactory> database,
                                              const QTimeZone &zone)
{
    return definition(std::move(database), zone, Settings());
}

JobDefinition HistoryRetentionJob::definition(std::shared_ptr<ConnectionFactory> database,
                                              const QTimeZone &zone, Settings settings)
{
    JobDefinition def;
    def.name = QString::fromLatin1(name);
    def.description = QStringLiteral("Prunes old run history: keeps each job's newest %1 runs "
                                     "and its problems of the last %2 days")
                          .arg(settings.keepRuns)
                          .arg(settings.keepProblemDays);
    def.schedule = Schedule::parse(QStringLiteral("17 3 * * *"), zone).value();
    def.body = [database = std::move(database), settings](JobContext &context) {
        return run(context, *database, settings);
    };
    return def;
}

JobResult HistoryRetentionJob::run(JobContext &context, ConnectionFactory &database,
                                   const Settings &settings)
{
    auto db = database.connectionForCurrentThread();
    if (!db)
        return JobResult::failure(db.error());
    const auto names = jobNames(db.value());
    if (!names)
        return JobResult::failure(names.error());
    const qint64 cutoff =
        context.occurrence().toMSecsSinceEpoch() - settings.keepProblemDays * msPerDay;
    qint64 deleted = 0;
    for (qsizetype i = 0; i < names->size(); ++i) {
        const QString &job = names->at(i);
        context.setProgress(i, names->size(), job);
        qint64 afterId = 0; // a dry run deletes nothing: it pages past what it counted
        while (true) {
            if (context.isStopRequested())
                return JobResult::failure(
                    QStringLiteral("Stopped after deleting %1 runs").arg(deleted),
                    {{QStringLiteral("runsDeleted"), deleted}});
            const auto batch = deletableBatch(db.value(), job, cutoff, afterId, settings);
            if (!batch)
                return JobResult::failure(batch.error());
            if (batch->isEmpty())
                break;
            if (!context.isDryRun()) {
                if (const auto error = deleteBatch(db.value(), batch.value()))
                    return JobResult::failure(*error);
            }
            deleted += batch->size();
            context.log().info(context.isDryRun() ? QStringLiteral("Would delete runs")
                                                  : QStringLiteral("Deleted runs"),
                               {{QStringLiteral("job"), job},
                                {QStringLiteral("count"), qsizetype(batch->size())}});
            if (context.isDryRun())
                afterId = batch->last().toLongLong();
        }
    }
    context.setProgress(names->size(), names->size());
    return JobResult::success({{QStringLiteral("jobs"), qsizetype(names->size())},
                               {QStringLiteral("runsDeleted"), deleted},
                               {QStringLiteral("dryRun"), context.isDryRun()}});
}

} // namespace jc
