#include "storage/RunLogBatch.h"

#include "storage/SqlErrors.h"
#include "storage/SqlStatement.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace jc {

void RunLogBatch::add(qint64 runId, const QList<LogLine> &lines, int firstSeq)
{
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const LogLine &line = lines.at(i);
        m_runIds.append(runId);
        m_seqs.append(firstSeq + static_cast<int>(i));
        m_times.append(line.timeMSecs);
        m_levels.append(toText(line.level));
        m_messages.append(line.message);
        const QJsonObject fields = QJsonObject::fromVariantMap(line.fields);
        m_fields.append(fields.isEmpty() ? SqlStatement::null<QString>()
                                         : QVariant(QString::fromUtf8(QJsonDocument(fields).toJson(
                                               QJsonDocument::Compact))));
    }
}

// ON CONFLICT: see the header.
std::optional<QString> RunLogBatch::write(QSqlDatabase &db, SqlDialect dialect) const
{
    if (m_runIds.isEmpty())
        return std::nullopt;
    QSqlQuery query(db);
    query.prepare(u"INSERT INTO jc_run_logs (run_id, seq, logged_at_ms, level, message, fields) "
                  "VALUES (?, ?, ?, ?, ?, ?) "_s +
                  (dialect == SqlDialect::MySql ? u"ON DUPLICATE KEY UPDATE seq = seq"_s
                                                : u"ON CONFLICT (run_id, seq) DO NOTHING"_s));
    for (const QVariantList *column :
         {&m_runIds, &m_seqs, &m_times, &m_levels, &m_messages, &m_fields})
        query.addBindValue(*column);
    if (query.execBatch())
        return std::nullopt;
    return u"Could not write %1 log lines: %2"_s.arg(m_runIds.size())
        .arg(SqlErrors::text(query.lastError()));
}

} // namespace jc
