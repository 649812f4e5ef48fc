#include "jobs/HistoryRetentionJob.h"

#include "jobs/BuiltInDefinition.h"

#include "engine/JobContext.h"
#include "jobs/JobOverrides.h"
#include "storage/JobSettingsStore.h"
#include "storage/SqlErrors.h"
#include "storage/SqlStatement.h"
#include "storage/WriteTransaction.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace jc {

namespace {

constexpr qint64 msPerDay = 24LL * 60 * 60 * 1000;

const QString problemStatuses =
    QStringLiteral("'failed','timed_out','interrupted','abandoned','missed'");

// The triggers whose rows stand for occurrences the scheduler dealt with. "backfill" is
// text on purpose: rows of it are kept whether or not this build knows the trigger.
const QStringList schedulingTriggers = {toText(RunTrigger::Scheduled), toText(RunTrigger::CatchUp),
                                        toText(RunTrigger::Retry), QStringLiteral("backfill")};

Expected<QStringList, QString> jobNames(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT DISTINCT job_name FROM jc_runs ORDER BY job_name")))
        return Unexpected(SqlErrors::text(query.lastError()));
    QStringList names;
    while (query.next())
        names.append(query.value(0).toString());
    return names;
}

// Per job, the start of its catch-up window: the stored window, else the default horizon.
Expected<QHash<QString, qint64>, QString>
windowStarts(const std::shared_ptr<ConnectionFactory> &database, const QStringList &jobs,
             qint64 nowMSecs)
{
    const auto stored = JobSettingsStore(database).all();
    if (!stored) // keeping too little is not an option: do not guess, delete nothing
        return Unexpected(
            QStringLiteral("Could not read the jobs' catch-up windows: %1").arg(stored.error()));
    QHash<QString, qint64> starts;
    for (const QString &job : jobs) {
        const auto window = JobOverrides::catchUpWindow(stored->value(job));
        starts.insert(job, nowMSecs -
                               (window ? window->count()
                                       : HistoryRetentionJob::untilNextOccurrenceDays * msPerDay));
    }
    return starts;
}

// Per scheduling trigger, the occurrence from which `job`'s rows of it are kept: its latest
// row's, or the window's start when that is earlier.
Expected<QList<qint64>, QString> keptFrom(QSqlDatabase &db, const QString &job, qint64 windowStart)
{
    SqlStatement query(db, QStringLiteral("SELECT \"trigger\", MAX(occurrence_ms) FROM jc_runs "
                                          "WHERE job_name = :job GROUP BY \"trigger\""));
    if (const auto failed = query.exec({{QStringLiteral(":job"), job}}))
        return Unexpected(failed->text());
    QList<qint64> from(schedulingTriggers.size(), windowStart);
    while (query.next()) {
        const qsizetype i = schedulingTriggers.indexOf(query.value(0).toString());
        if (i >= 0)
            from[i] = std::min(from.at(i), query.value(1).toLongLong());
    }
    return from;
}

// What one job keeps besides its newest runs.
struct Protected
{
    qint64 problemCutoff = 0;  // problem runs that ended at or after this stay
    QList<qint64> triggerFrom; // per schedulingTriggers entry: its rows from here on stay
};

// "(trigger = :trigger0 AND occurrence_ms >= :from0) OR ...", one pair per scheduling trigger,
// and their values.
std::pair<QString, SqlStatement::Values> keptSchedulingRows(const Protected &kept)
{
    QStringList terms;
    SqlStatement::Values values;
    for (qsizetype i = 0; i < schedulingTriggers.size(); ++i) {
        const QString trigger = QStringLiteral(":trigger%1").arg(i);
        const QString from = QStringLiteral(":from%1").arg(i);
        terms.append(
            QStringLiteral("(\"trigger\" = %1 AND occurrence_ms >= %2)").arg(trigger, from));
        values.insert(trigger, schedulingTriggers.at(i));
        values.insert(from, kept.triggerFrom.at(i));
    }
    return {terms.join(QStringLiteral(" OR ")), values};
}

// The ids of one batch of runs of `job` that retention may delete.
Expected<QVariantList, QString> deletableBatch(QSqlDatabase &db, const QString &job,
                                               const Protected &kept, qint64 afterId,
                                               const HistoryRetentionJob::Settings &s)
{
    auto [schedulingRows, values] = keptSchedulingRows(kept);
    SqlStatement query(
        db, QStringLiteral("SELECT id FROM jc_runs WHERE job_name = :job AND status <> 'running' "
                           "AND id > :after AND id < COALESCE((SELECT MIN(id) FROM (SELECT id "
                           "FROM jc_runs WHERE job_name = :job ORDER BY id DESC LIMIT :keep) "
                           "newest), 0) AND NOT (status IN (%1) AND COALESCE(finished_at_ms, "
                           "started_at_ms, occurrence_ms) >= :problemCutoff) AND NOT (%2) ORDER "
                           "BY id LIMIT :batch")
                .arg(problemStatuses, schedulingRows));
    values.insert(QStringLiteral(":job"), job);
    values.insert(QStringLiteral(":after"), afterId);
    values.insert(QStringLiteral(":keep"), s.keepRuns);
    values.insert(QStringLiteral(":problemCutoff"), kept.problemCutoff);
    values.insert(QStringLiteral(":batch"), s.batchSize);
    if (const auto failed = query.exec(values))
        return Unexpected(failed->text());
    QVariantList ids;
    while (query.next())
        ids.append(query.value(0));
    return ids;
}

std::optional<QString> deleteBatch(QSqlDatabase &db, ConnectionFactory &factory,
                                   const QVariantList &ids)
{
    QStringList marks;
    SqlStatement::Values values;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        marks.append(QStringLiteral(":id%1").arg(i));
        values.insert(marks.constLast(), ids.at(i));
    }
    const QString in = marks.join(u',');
    WriteTransaction transaction(db, factory);
    if (auto error = transaction.begin(factory.dialect()))
        return error;
    for (const QString &table :
         {QStringLiteral("jc_run_logs WHERE run_id"), QStringLiteral("jc_runs WHERE id")}) {
        SqlStatement remove(db, QStringLiteral("DELETE FROM %1 IN (%2)").arg(table, in));
        if (const auto failed = remove.exec(values))
            return failed->text();
    }
    return transaction.commit();
}

} // namespace

JobDefinition HistoryRetentionJob::definition(std::shared_ptr<ConnectionFactory> database,
                                              const QTimeZone &zone, Settings settings)
{
    return builtInDefinition(name,
                             QStringLiteral("Prunes old run history: keeps each job's newest %1 "
                                            "runs and its problems of the last %2 days")
                                 .arg(settings.keepRuns)
                                 .arg(settings.keepProblemDays),
                             QStringLiteral("17 3 * * *"), zone,
                             [database = std::move(database), settings](JobContext &context) {
                                 return run(context, database, settings);
                             });
}

JobResult HistoryRetentionJob::run(JobContext &context,
                                   const std::shared_ptr<ConnectionFactory> &database,
                                   const Settings &settings)
{
    auto db = database->connectionForCurrentThread();
    if (!db)
        return JobResult::failure(db.error());
    const auto names = jobNames(db.value());
    if (!names)
        return JobResult::failure(names.error());
    const auto windows =
        windowStarts(database, names.value(), context.startedAt().toMSecsSinceEpoch());
    if (!windows)
        return JobResult::failure(windows.error());
    const qint64 cutoff =
        context.occurrence().toMSecsSinceEpoch() - settings.keepProblemDays * msPerDay;
    qint64 deleted = 0;
    for (qsizetype i = 0; i < names->size(); ++i) {
        const QString &job = names->at(i);
        context.setProgress(i, names->size(), job);
        const auto triggerFrom = keptFrom(db.value(), job, windows->value(job));
        if (!triggerFrom)
            return JobResult::failure(triggerFrom.error());
        const Protected kept{cutoff, triggerFrom.value()};
        qint64 afterId = 0; // a dry run deletes nothing: it pages past what it counted
        while (true) {
            if (context.isStopRequested())
                return JobResult::failure(
                    QStringLiteral("Stopped after deleting %1 runs").arg(deleted),
                    {{QStringLiteral("runsDeleted"), deleted}});
            const auto batch = deletableBatch(db.value(), job, kept, afterId, settings);
            if (!batch)
                return JobResult::failure(batch.error());
            if (batch->isEmpty())
                break;
            if (!context.isDryRun()) {
                if (const auto error = deleteBatch(db.value(), *database, batch.value()))
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
