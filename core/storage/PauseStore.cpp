#include "storage/PauseStore.h"

#include "storage/Upsert.h"

#include "common/IsoTime.h"
#include "storage/JobSettingsStore.h"
#include "storage/SqlStatement.h"
#include "storage/SqlTime.h"
#include "storage/WriteTransaction.h"

#include <QVariant>

namespace jc {

namespace {

// A pause row's columns from `column` on (paused_by, paused_at_ms, reason, resume_at_ms).
PauseState pauseAt(const SqlStatement &row, int column)
{
    PauseState state{row.value(column).toString(), SqlTime::fromMsecs(row.value(column + 1)),
                     row.value(column + 2).toString(), std::nullopt};
    if (!row.value(column + 3).isNull())
        state.resumeAt = SqlTime::fromMsecs(row.value(column + 3));
    return state;
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

Expected<void, QString> PauseStore::pause(const QString &job, const QString &pausedBy,
                                          const QString &reason,
                                          const std::optional<QDateTime> &resumeAt, qint64 nowMSecs)
{
    if (job.isEmpty())
        return Unexpected(QStringLiteral("Name the job to pause."));
    if (resumeAt && (!resumeAt->isValid() || resumeAt->toMSecsSinceEpoch() <= nowMSecs)) {
        return Unexpected(
            QStringLiteral("The resume time %1 is not in the future: give a later one, or "
                           "none to pause until resumed.")
                .arg(resumeAt->isValid() ? IsoTime::format(*resumeAt)
                                         : QStringLiteral("(invalid)")));
    }
    const QString by = pausedBy.isEmpty() ? QStringLiteral("unknown") : pausedBy;
    const PauseState state{by, QDateTime::fromMSecsSinceEpoch(nowMSecs, Qt::UTC), reason, resumeAt};
    const SqlDialect dialect = m_connections->dialect();
    // One transaction: two admins pausing at once leave one whole pause, not a mix, and the
    // record of each says which pause it replaced.
    const auto done =
        inTransaction(*m_connections, [&](QSqlDatabase &db) -> std::optional<QString> {
            const auto before = PauseStore::storedOn(db, job);
            if (!before)
                return before.error();
            SqlStatement upsert(
                db, QStringLiteral("INSERT INTO jc_job_pauses (job_name, paused_by, paused_at_ms, "
                                   "reason, resume_at_ms) VALUES (:job, :by, :at, :reason, "
                                   ":until) ") +
                        upsertTail(dialect, QStringLiteral("job_name"),
                                   {QStringLiteral("paused_by"), QStringLiteral("paused_at_ms"),
                                    QStringLiteral("reason"), QStringLiteral("resume_at_ms")}));
            if (const auto failed = upsert.exec(
                    {{QStringLiteral(":job"), job},
                     {QStringLiteral(":by"), by},
                     {QStringLiteral(":at"), nowMSecs},
                     {QStringLiteral(":reason"), SqlStatement::nullIfEmpty(reason)},
                     {QStringLiteral(":until"), SqlTime::toMsecs(resumeAt.value_or(QDateTime()))}}))
                return failed->text();
            return JobSettingsStore::record(db, job, JobChangeKind::Pause,
                                            *before ? toJson(**before) : QJsonObject(),
                                            toJson(state), by, nowMSecs);
        });
    if (done)
        return Unexpected(QStringLiteral("Could not pause \"%1\": %2").arg(job, *done));
    return {};
}

Expected<bool, QString> PauseStore::resume(const QString &job, const QString &resumedBy,
                                           qint64 nowMSecs)
{
    bool had = false;
    const auto done =
        inTransaction(*m_connections, [&](QSqlDatabase &db) -> std::optional<QString> {
            const auto before = PauseStore::storedOn(db, job);
            if (!before)
                return before.error();
            if (!*before)
                return std::nullopt; // not paused: nothing to end, nothing to record
            had = true;
            SqlStatement remove(db,
                                QStringLiteral("DELETE FROM jc_job_pauses WHERE job_name = :job"));
            if (const auto failed = remove.exec({{QStringLiteral(":job"), job}}))
                return failed->text();
            return JobSettingsStore::record(
                db, job, JobChangeKind::Resume, toJson(**before), {},
                resumedBy.isEmpty() ? QStringLiteral("unknown") : resumedBy, nowMSecs);
        });
    if (done)
        return Unexpected(QStringLiteral("Could not resume \"%1\": %2").arg(job, *done));
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
    const auto fail = [](const QString &why) {
        return QStringLiteral("Could not read the paused jobs: %1").arg(why);
    };
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(fail(db.error()));
    auto pauses = allStoredOn(db.value());
    if (!pauses)
        return Unexpected(fail(pauses.error()));
    return pauses;
}

Expected<std::optional<PauseState>, QString> PauseStore::storedOn(QSqlDatabase &db,
                                                                  const QString &job)
{
    SqlStatement select(db, QStringLiteral("SELECT paused_by, paused_at_ms, reason, resume_at_ms "
                                           "FROM jc_job_pauses WHERE job_name = :job"));
    if (const auto failed = select.exec({{QStringLiteral(":job"), job}}))
        return Unexpected(failed->text());
    if (!select.next())
        return std::optional<PauseState>();
    return std::optional<PauseState>(pauseAt(select, 0));
}

Expected<QHash<QString, PauseState>, QString> PauseStore::allStoredOn(QSqlDatabase &db)
{
    SqlStatement select(db, QStringLiteral("SELECT job_name, paused_by, paused_at_ms, reason, "
                                           "resume_at_ms FROM jc_job_pauses"));
    if (const auto failed = select.exec())
        return Unexpected(failed->text());
    QHash<QString, PauseState> pauses;
    while (select.next())
        pauses.insert(select.value(0).toString(), pauseAt(select, 1));
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
