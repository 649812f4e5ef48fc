#include "storage/PauseStore.h"

#include "storage/Upsert.h"

#include "common/IsoTime.h"
#include "storage/JobSettingsStore.h"
#include "storage/SqlErrors.h"
#include "storage/SqlTime.h"
#include "storage/WriteTransaction.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace jc {

namespace {

// Prepares and runs one statement on the calling thread's connection.
Expected<QSqlQuery, QString> run(ConnectionFactory &connections, const QString &sql,
                                 const QVariantList &values)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    query.setForwardOnly(true);
    bool ok = query.prepare(sql);
    for (int i = 0; ok && i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (ok && query.exec())
        return query;
    return SqlErrors::text(query.lastError());
}

QVariant nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

std::optional<QString> exec(QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    bool ok = query.prepare(sql);
    for (int i = 0; ok && i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (ok && query.exec())
        return std::nullopt;
    return SqlErrors::text(query.lastError());
}

// The job's pause as stored now, or nullopt.
Expected<std::optional<PauseState>, QString> current(QSqlDatabase &db, const QString &job)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT paused_by, paused_at_ms, reason, resume_at_ms FROM "
                                 "jc_job_pauses WHERE job_name = ?"));
    query.bindValue(0, job);
    if (!query.exec())
        return SqlErrors::text(query.lastError());
    if (!query.next())
        return std::optional<PauseState>();
    PauseState state{query.value(0).toString(), SqlTime::fromMsecs(query.value(1)),
                     query.value(2).toString(), std::nullopt};
    if (!query.value(3).isNull())
        state.resumeAt = SqlTime::fromMsecs(query.value(3));
    return std::optional<PauseState>(state);
}

// Runs `work` in a write transaction on the calling thread's connection; its error or the
// commit's, if any.
template <typename Work>
std::optional<QString> inTransaction(ConnectionFactory &connections, Work work)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return db.error();
    WriteTransaction transaction(db.value(), connections);
    if (auto error = transaction.begin(connections.dialect()))
        return error;
    if (auto error = work(db.value()))
        return error;
    return transaction.commit();
}

} // namespace

PauseStore::PauseStore(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

Expected<bool, QString> PauseStore::pause(const QString &job, const QString &pausedBy,
                                          const QString &reason,
                                          const std::optional<QDateTime> &resumeAt, qint64 nowMSecs)
{
    if (job.isEmpty())
        return QStringLiteral("Name the job to pause.");
    if (resumeAt && (!resumeAt->isValid() || resumeAt->toMSecsSinceEpoch() <= nowMSecs)) {
        return QStringLiteral("The resume time %1 is not in the future: give a later one, or "
                              "none to pause until resumed.")
            .arg(resumeAt->isValid() ? IsoTime::format(*resumeAt) : QStringLiteral("(invalid)"));
    }
    const QString by = pausedBy.isEmpty() ? QStringLiteral("unknown") : pausedBy;
    const PauseState state{by, QDateTime::fromMSecsSinceEpoch(nowMSecs, Qt::UTC), reason, resumeAt};
    const SqlDialect dialect = m_connections->dialect();
    // One transaction: two admins pausing at once leave one whole pause, not a mix, and the
    // record of each says which pause it replaced.
    const auto done =
        inTransaction(*m_connections, [&](QSqlDatabase &db) -> std::optional<QString> {
            const auto before = current(db, job);
            if (!before)
                return before.error();
            if (auto error = exec(
                    db,
                    QStringLiteral("INSERT INTO jc_job_pauses (job_name, paused_by, "
                                   "paused_at_ms, reason, resume_at_ms) VALUES (?, ?, "
                                   "?, ?, ?) ") +
                        upsertTail(dialect, QStringLiteral("job_name"),
                                   {QStringLiteral("paused_by"), QStringLiteral("paused_at_ms"),
                                    QStringLiteral("reason"), QStringLiteral("resume_at_ms")}),
                    {job, by, nowMSecs, nullIfEmpty(reason),
                     SqlTime::toMsecs(resumeAt.value_or(QDateTime()))}))
                return error;
            return JobSettingsStore::record(db, job, JobChangeKind::Pause,
                                            *before ? toJson(**before) : QJsonObject(),
                                            toJson(state), by, nowMSecs);
        });
    if (done)
        return QStringLiteral("Could not pause \"%1\": %2").arg(job, *done);
    return true;
}

Expected<bool, QString> PauseStore::resume(const QString &job, const QString &resumedBy,
                                           qint64 nowMSecs)
{
    bool had = false;
    const auto done =
        inTransaction(*m_connections, [&](QSqlDatabase &db) -> std::optional<QString> {
            const auto before = current(db, job);
            if (!before)
                return before.error();
            if (!*before)
                return std::nullopt; // not paused: nothing to end, nothing to record
            had = true;
            if (auto error =
                    exec(db, QStringLiteral("DELETE FROM jc_job_pauses WHERE job_name = ?"), {job}))
                return error;
            return JobSettingsStore::record(
                db, job, JobChangeKind::Resume, toJson(**before), {},
                resumedBy.isEmpty() ? QStringLiteral("unknown") : resumedBy, nowMSecs);
        });
    if (done)
        return QStringLiteral("Could not resume \"%1\": %2").arg(job, *done);
    return had;
}

QJsonObject PauseStore::toJson(const PauseState &pause)
{
    QJsonObject object{{QStringLiteral("pausedBy"), pause.pausedBy},
                       {QStringLiteral("pausedAt"), IsoTime::format(pause.pausedAt, true)}};
    if (!pause.reason.isEmpty())
        object.insert(QStringLiteral("reason"), pause.reason);
    if (pause.resumeAt)
        object.insert(QStringLiteral("until"), IsoTime::format(*pause.resumeAt, true));
    return object;
}

std::optional<PauseState> PauseStore::fromJson(const QJsonObject &object)
{
    const auto pausedAt = IsoTime::parseStrict(object.value(QStringLiteral("pausedAt")).toString());
    if (!object.contains(QStringLiteral("pausedBy")) || !pausedAt)
        return std::nullopt;
    PauseState pause{object.value(QStringLiteral("pausedBy")).toString(), pausedAt->toUTC(),
                     object.value(QStringLiteral("reason")).toString(), std::nullopt};
    if (const auto until = IsoTime::parseStrict(object.value(QStringLiteral("until")).toString()))
        pause.resumeAt = until->toUTC();
    return pause;
}

Expected<QHash<QString, PauseState>, QString> PauseStore::all() const
{
    auto rows = run(*m_connections,
                    QStringLiteral("SELECT job_name, paused_by, paused_at_ms, reason, "
                                   "resume_at_ms FROM jc_job_pauses"),
                    {});
    if (!rows)
        return QStringLiteral("Could not read the paused jobs: %1").arg(rows.error());
    QHash<QString, PauseState> pauses;
    QSqlQuery &query = rows.value();
    while (query.next()) {
        PauseState state{query.value(1).toString(), SqlTime::fromMsecs(query.value(2)),
                         query.value(3).toString(), std::nullopt};
        if (!query.value(4).isNull())
            state.resumeAt = SqlTime::fromMsecs(query.value(4));
        pauses.insert(query.value(0).toString(), state);
    }
    return pauses;
}

Expected<QHash<QString, PauseState>, QString> PauseStore::activePauses(qint64 nowMSecs) const
{
    auto pauses = all();
    if (!pauses)
        return pauses;
    pauses.value().removeIf(
        [nowMSecs](const auto &entry) { return !entry.value().isActiveAt(nowMSecs); });
    return pauses;
}

} // namespace jc
