#include "storage/JobSettingsStore.h"

#include "storage/SqlStatement.h"
#include "storage/WriteTransaction.h"

#include <QJsonDocument>

namespace jc {

namespace {

QJsonObject parseObject(const QVariant &value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Expected<QJsonObject, QString> currentSettings(QSqlDatabase &db, const QString &job)
{
    SqlStatement query(
        db, QStringLiteral("SELECT settings FROM jc_job_settings WHERE job_name = :job"));
    if (const auto failed = query.exec({{QStringLiteral(":job"), job}}))
        return Unexpected(failed->text());
    return query.next() ? parseObject(query.value(0)) : QJsonObject();
}

// Runs one statement with its values; the database's words when it fails.
std::optional<QString> execWith(QSqlDatabase &db, const QString &sql,
                                const SqlStatement::Values &values)
{
    SqlStatement statement(db, sql);
    if (const auto failed = statement.exec(values))
        return failed->text();
    return std::nullopt;
}

std::optional<QString> write(QSqlDatabase &db, const QString &job, const QJsonObject &before,
                             const QJsonObject &after, const QString &by, qint64 now)
{
    if (auto error =
            execWith(db, QStringLiteral("DELETE FROM jc_job_settings WHERE job_name = :job"),
                     {{QStringLiteral(":job"), job}}))
        return error;
    if (!after.isEmpty()) {
        if (auto error = execWith(db,
                                  QStringLiteral("INSERT INTO jc_job_settings (job_name, settings, "
                                                 "updated_at_ms, updated_by) VALUES (:job, "
                                                 ":settings, :now, :by)"),
                                  {{QStringLiteral(":job"), job},
                                   {QStringLiteral(":settings"), compact(after)},
                                   {QStringLiteral(":now"), now},
                                   {QStringLiteral(":by"), by}}))
            return error;
    }
    return JobSettingsStore::record(db, job, JobChangeKind::Settings, before, after, by, now);
}

JobChangeKind kindOf(const QVariant &value)
{
    for (const JobChangeKind kind : {JobChangeKind::Pause, JobChangeKind::Resume}) {
        if (value.toString() == toText(kind))
            return kind;
    }
    return JobChangeKind::Settings; // NULL: a row of an older build
}

// The rows of a query selecting id, changed_at_ms, changed_by, before, after, kind.
QList<JobSettingsChange> readChanges(SqlStatement &query, const QString &job)
{
    QList<JobSettingsChange> changes;
    while (query.next()) {
        changes.append({query.value(0).toLongLong(), job,
                        QDateTime::fromMSecsSinceEpoch(query.value(1).toLongLong(), Qt::UTC),
                        query.value(2).toString(), parseObject(query.value(3)),
                        parseObject(query.value(4)), kindOf(query.value(5))});
    }
    return changes;
}

} // namespace

JobSettingsStore::JobSettingsStore(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

Expected<QHash<QString, QJsonObject>, QString> JobSettingsStore::all() const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement query(db.value(),
                       QStringLiteral("SELECT job_name, settings FROM jc_job_settings"));
    if (const auto failed = query.exec())
        return Unexpected(failed->text());
    QHash<QString, QJsonObject> settings;
    while (query.next())
        settings.insert(query.value(0).toString(), parseObject(query.value(1)));
    return settings;
}

Expected<QJsonObject, QString> JobSettingsStore::set(const QString &job,
                                                     const QJsonObject &settings,
                                                     const QString &changedBy, qint64 nowMSecs)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    // Reads, then writes: a deferred transaction would fail at once (SQLITE_BUSY, no busy
    // timeout) when another connection writes between the two; see WriteTransaction.
    WriteTransaction transaction(db.value(), *m_connections);
    auto error = transaction.begin(m_connections->dialect());
    Expected<QJsonObject, QString> before = QJsonObject();
    if (!error) {
        before = currentSettings(db.value(), job);
        error = before ? write(db.value(), job, before.value(), settings, changedBy, nowMSecs)
                       : std::optional<QString>(before.error());
    }
    if (!error)
        error = transaction.commit();
    if (error)
        return Unexpected(
            QStringLiteral("Could not change the settings of \"%1\": %2").arg(job, *error));
    return before.value();
}

Expected<QList<JobSettingsChange>, QString> JobSettingsStore::changes(const QString &job,
                                                                      int limit) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement query(
        db.value(), QStringLiteral("SELECT id, changed_at_ms, changed_by, \"before\", \"after\", "
                                   "kind FROM jc_job_changes WHERE job_name = :job ORDER BY id "
                                   "DESC LIMIT :limit"));
    if (const auto failed =
            query.exec({{QStringLiteral(":job"), job}, {QStringLiteral(":limit"), limit}}))
        return Unexpected(failed->text());
    return readChanges(query, job);
}

Expected<QList<JobSettingsChange>, QString> JobSettingsStore::changesSince(const QString &job,
                                                                           qint64 afterMSecs) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    // In the order of the ids, which is the order the changes were made in: each one's
    // `before` is its predecessor's `after`, whatever the clocks of their hosts said.
    SqlStatement query(
        db.value(), QStringLiteral("SELECT id, changed_at_ms, changed_by, \"before\", \"after\", "
                                   "kind FROM jc_job_changes WHERE job_name = :job AND "
                                   "changed_at_ms > :after AND (kind IS NULL OR kind = :kind) "
                                   "ORDER BY id"));
    if (const auto failed =
            query.exec({{QStringLiteral(":job"), job},
                        {QStringLiteral(":after"), afterMSecs},
                        {QStringLiteral(":kind"), toText(JobChangeKind::Settings)}}))
        return Unexpected(failed->text());
    return readChanges(query, job);
}

std::optional<QString> JobSettingsStore::record(QSqlDatabase &db, const QString &job,
                                                JobChangeKind kind, const QJsonObject &before,
                                                const QJsonObject &after, const QString &by,
                                                qint64 nowMSecs)
{
    return execWith(db,
                    QStringLiteral("INSERT INTO jc_job_changes (job_name, changed_at_ms, "
                                   "changed_by, \"before\", \"after\", kind) VALUES (:job, :now, "
                                   ":by, :before, :after, :kind)"),
                    {{QStringLiteral(":job"), job},
                     {QStringLiteral(":now"), nowMSecs},
                     {QStringLiteral(":by"), by},
                     {QStringLiteral(":before"), compact(before)},
                     {QStringLiteral(":after"), compact(after)},
                     {QStringLiteral(":kind"), toText(kind)}});
}

QString toText(JobChangeKind kind)
{
    switch (kind) {
    case JobChangeKind::Settings:
        return QStringLiteral("settings");
    case JobChangeKind::Pause:
        return QStringLiteral("pause");
    case JobChangeKind::Resume:
        return QStringLiteral("resume");
    }
    return QStringLiteral("settings");
}

} // namespace jc
