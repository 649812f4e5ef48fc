#include "storage/PauseStore.h"

#include "common/IsoTime.h"
#include "storage/SqlErrors.h"
#include "storage/SqlTime.h"

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
    // One statement, so that two admins pausing at once leave one whole pause, not a mix.
    const auto done = run(
        *m_connections,
        QStringLiteral("INSERT INTO jc_job_pauses (job_name, paused_by, paused_at_ms, reason, "
                       "resume_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_name) DO UPDATE "
                       "SET paused_by = excluded.paused_by, paused_at_ms = excluded.paused_at_ms, "
                       "reason = excluded.reason, resume_at_ms = excluded.resume_at_ms"),
        {job, pausedBy.isEmpty() ? QStringLiteral("unknown") : pausedBy, nowMSecs,
         nullIfEmpty(reason), SqlTime::toMsecs(resumeAt.value_or(QDateTime()))});
    if (!done)
        return QStringLiteral("Could not pause \"%1\": %2").arg(job, done.error());
    return true;
}

Expected<bool, QString> PauseStore::resume(const QString &job)
{
    auto done =
        run(*m_connections, QStringLiteral("DELETE FROM jc_job_pauses WHERE job_name = ?"), {job});
    if (!done)
        return QStringLiteral("Could not resume \"%1\": %2").arg(job, done.error());
    return done.value().numRowsAffected() > 0;
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
