#pragma once

#include "common/Expected.h"
#include "storage/RunLiveness.h"
#include "storage/SqlDialect.h"
#include "storage/SqlStatement.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QString>
#include <QVariant>

#include <optional>

namespace jc {

// The row that holds an occurrence, or the live run that makes a job busy.
struct RunHolder
{
    qint64 id = 0;
    QString status;
    int attempts = 0;
    QString instanceId;

    // "on instance <id>", for messages.
    [[nodiscard]] QString where() const;
};

// A running row and what RunLiveness says of it.
struct RunningRow
{
    RunHolder holder;
    QString holderText;
    qint64 sessionLock = 0;    // the holder's presence lock (HolderSessions); 0: none
    qint64 heartbeatMSecs = 0; // the last heartbeat, else the start
    qint64 leaseMSecs = 0;     // the row's own lease, else the caller's
    RunLiveness::State state = RunLiveness::State::Alive;
};

// A jc_runs row to insert; NULL where a QVariant is null (and where a text is empty). The
// one place that knows jc_runs' columns for an insert: claims write running, missed and
// skipped rows; the demo history writes finished ones whole.
struct NewRunRow
{
    QString job;
    QString trigger;
    qint64 occurrenceMSecs = 0;
    QString occurrenceKey;
    QString status;
    qint64 startedAtMSecs = 0;
    QVariant finishedAtMSecs = SqlStatement::null<qint64>();
    QVariant heartbeatAtMSecs = SqlStatement::null<qint64>();
    int attempts = 1;
    QString instanceId;
    QString requestedBy;
    QString reason;
    QString error;
    bool dryRun = false;
    QVariant missedCount = SqlStatement::null<int>();
    QString skipReason;
    QString holder;                                      // running rows: this process
    QVariant leaseMSecs = SqlStatement::null<qint64>();  // running rows: their lease
    QVariant sessionLock = SqlStatement::null<qint64>(); // running rows: the presence lock
    // Ended rows written whole (the demo history): what a finished run leaves behind.
    QVariant summary = SqlStatement::null<QString>(); // compact JSON
    QVariant progressDone = SqlStatement::null<qint64>();
    QVariant progressTotal = SqlStatement::null<qint64>();
    QString progressText;
    QVariant cancelRequestedAtMSecs = SqlStatement::null<qint64>();
    QString cancelRequestedBy;
};

// The reads and writes of jc_runs rows that claiming (RunClaims) and keeping runs
// (RunUpkeep) share, on a connection the caller gives (inside its transaction, if any).
// Stateless; the connection's thread. Errors are the database's text unless said otherwise.
class RunRows
{
public:
    // Inserts the row unless its (job, occurrence) key is taken. Returns its id, or nullopt
    // when the key was taken. The QSqlError, so that the caller can tell a unique violation.
    static Expected<std::optional<qint64>, QSqlError> insert(QSqlDatabase &db, SqlDialect dialect,
                                                             const NewRunRow &row);

    // The row under (job, occurrence key), or by id; nullopt when there is none.
    static Expected<std::optional<RunHolder>, QString>
    byOccurrence(QSqlDatabase &db, const QString &job, const QString &key);
    static Expected<std::optional<RunHolder>, QString> byId(QSqlDatabase &db, qint64 runId);
    // The run's status, nullopt when there is no such run.
    static Expected<std::optional<QString>, QString> statusOf(QSqlDatabase &db, qint64 runId);

    // The running rows (of `job` other than its occurrence `exceptKey`, newest first; or all
    // of them without a job), each with its liveness at `nowMSecs`. `defaultLeaseMSecs`
    // stands for a row's lease when it has none.
    static Expected<QList<RunningRow>, QString> running(QSqlDatabase &db, SqlDialect dialect,
                                                        const std::optional<QString> &job,
                                                        const QString &exceptKey,
                                                        qint64 defaultLeaseMSecs, qint64 nowMSecs);

    // Marks a running row interrupted for `reason`, adding the rows it changed to *count.
    static std::optional<QString> markInterrupted(QSqlDatabase &db, qint64 runId,
                                                  const QString &reason, int *count);

    // "timed_out" reads "timed out" in a sentence.
    static QString readable(const QString &status);
};

} // namespace jc
