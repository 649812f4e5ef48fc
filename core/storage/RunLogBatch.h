#pragma once

#include "engine/RunJournal.h"
#include "storage/SqlDialect.h"

#include <QSqlDatabase>
#include <QVariantList>

#include <optional>

namespace jc {

// New log lines of several runs, gathered as the columns of one batch insert into
// jc_run_logs and written by write(). A line already written (a heartbeat whose commit was
// reported lost, then repeated) is not written twice and does not fail the batch.
//
// The one statement of the journal that binds by position: QSqlQuery::execBatch takes a list
// of values per column, which SqlStatement does not do. Thread: the connection's.
class RunLogBatch
{
public:
    void add(qint64 runId, const QList<LogLine> &lines, int firstSeq);
    [[nodiscard]] bool isEmpty() const { return m_runIds.isEmpty(); }

    // Inserts the lines gathered; a message naming how many when it failed.
    std::optional<QString> write(QSqlDatabase &db, SqlDialect dialect) const;

private:
    QVariantList m_runIds, m_seqs, m_times, m_levels, m_messages, m_fields;
};

} // namespace jc
