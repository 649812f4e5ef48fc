#include "storage/JobSettingsStore.h"

#include "storage/SqlErrors.h"
#include "storage/WriteTransaction.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

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
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT settings FROM jc_job_settings WHERE job_name = ?"));
    query.addBindValue(job);
    if (!query.exec())
        return Unexpected(SqlErrors::text(query.lastError()));
    return query.next() ? parseObject(query.value(0)) : QJsonObject();
}

std::optional<QString> execBound(QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec())
        return SqlErrors::text(query.lastError());
    return std::nullopt;
}

std::optional<QString> write(QSqlDatabase &db, const QString &job, const QJsonObject &before,
                             const QJsonObject &after, const QString &by, qint64 now)
{
    if (auto error =
            execBound(db, QStringLiteral("DELETE FROM jc_job_settings WHERE job_name = ?"), {job}))
        return error;
    if (!after.isEmpty()) {
        if (auto error =
                execBound(db,
                          QStringLiteral("INSERT INTO jc_job_settings (job_name, settings, "
                                         "updated_at_ms, updated_by) VALUES (?, ?, ?, ?)"),
                          {job, compact(after), now, by}))
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
QList<JobSettingsChange> readChanges(QSqlQuery &query, const QString &job)
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
    QSqlQuery query(db.value());
    if (!query.exec(QStringLiteral("SELECT job_name, settings FROM jc_job_settings")))
        return Unexpected(SqlErrors::text(query.lastError()));
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
    QSqlQuery query(db.value());
    query.prepare(
        QStringLiteral("SELECT id, changed_at_ms, changed_by, \"before\", \"after\", kind "
                       "FROM jc_job_changes WHERE job_name = ? ORDER BY id DESC "
                       "LIMIT ?"));
    query.addBindValue(job);
    query.addBindValue(limit);
    if (!query.exec())
        return Unexpected(SqlErrors::text(query.lastError()));
    return readChanges(query, job);
}

Expected<QList<JobSettingsChange>, QString> JobSettingsStore::changesSince(const QString &job,
                                                                           qint64 afterMSecs) const
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    QSqlQuery query(db.value());
    // In the order of the ids, which is the order the changes were made in: each one's
    // `before` is its predecessor's `after`, whatever the clocks of their hosts said.
    query.prepare(
        QStringLiteral("SELECT id, changed_at_ms, changed_by, \"before\", \"after\", kind "
                       "FROM jc_job_changes WHERE job_name = ? AND changed_at_ms > ? "
                       "AND (kind IS NULL OR kind = ?) ORDER BY id"));
    query.addBindValue(job);
    query.addBindValue(afterMSecs);
    query.addBindValue(toText(JobChangeKind::Settings));
    if (!query.exec())
        return Unexpected(SqlErrors::text(query.lastError()));
    return readChanges(query, job);
}

std::optional<QString> JobSettingsStore::record(QSqlDatabase &db, const QString &job,
                                                JobChangeKind kind, const QJsonObject &before,
                                                const QJsonObject &after, const QString &by,
                                                qint64 nowMSecs)
{
    return execBound(
        db,
        QStringLiteral("INSERT INTO jc_job_changes (job_name, changed_at_ms, changed_by, "
                       "\"before\", \"after\", kind) VALUES (?, ?, ?, ?, ?, ?)"),
        {job, nowMSecs, by, compact(before), compact(after), toText(kind)});
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
