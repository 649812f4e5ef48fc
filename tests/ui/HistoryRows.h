#pragma once

// jc_runs rows for the history and error-log tests, inserted directly (fast: one transaction,
// many rows per prepared statement), and a migrated test database with a DatabaseReader.

#include "TestDatabases.h"

#include "data/DatabaseReader.h"
#include "storage/ConnectionFactory.h"
#include "storage/Migrator.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

#include <memory>

namespace jc::test {

// A jc_runs row as a test wants it; the rest is filled in plausibly.
struct RunRow
{
    QString job = QStringLiteral("A");
    QString status = QStringLiteral("succeeded");
    qint64 startedMSecs = 1'767'225'600'000; // 2026-01-01T00:00:00Z
    qint64 durationMSecs = 1000;             // < 0: not finished
    QString error{};
    QString summary{}; // JSON text
    QString trigger = QStringLiteral("scheduled");
};

inline QVariantList runColumns(const RunRow &row)
{
    static int serial = 0;
    const auto nullText = [](const QString &text) {
        return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
    };
    return {row.job,
            row.trigger,
            row.startedMSecs,
            QStringLiteral("t%1").arg(++serial),
            row.status,
            row.startedMSecs,
            row.durationMSecs < 0 ? QVariant(QMetaType::fromType<qint64>())
                                  : QVariant(row.startedMSecs + row.durationMSecs),
            nullText(row.error),
            nullText(row.summary)};
}

constexpr int RunColumnCount = 9;

// Inserts rows[first, first + statements * perStatement) with one prepared INSERT of
// `perStatement` rows run `statements` times.
inline QString insertRunBatch(QSqlDatabase db, const QList<RunRow> &rows, qsizetype first,
                              qsizetype statements, int perStatement)
{
    const QStringList tuples(perStatement, QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    QSqlQuery query(db);
    if (!query.prepare(QStringLiteral("INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                                      "occurrence_key, status, started_at_ms, finished_at_ms, "
                                      "error, summary) VALUES ") +
                       tuples.join(QStringLiteral(", "))))
        return query.lastError().text();
    QList<QVariantList> columns(perStatement * RunColumnCount);
    for (qsizetype statement = 0; statement < statements; ++statement) {
        for (int r = 0; r < perStatement; ++r) {
            const QVariantList values = runColumns(rows.at(first + statement * perStatement + r));
            for (int c = 0; c < RunColumnCount; ++c)
                columns[r * RunColumnCount + c].append(values.at(c));
        }
    }
    for (const QVariantList &values : std::as_const(columns))
        query.addBindValue(values);
    return query.execBatch() ? QString() : query.lastError().text();
}

// Inserts `rows` in order (ids ascend with the list) in one transaction; the error, if any.
inline QString insertRuns(QSqlDatabase db, const QList<RunRow> &rows)
{
    constexpr int PerStatement = 100;
    const qsizetype bulk = rows.size() / PerStatement;
    if (!db.transaction())
        return db.lastError().text();
    QString error;
    if (bulk > 0)
        error = insertRunBatch(db, rows, 0, bulk, PerStatement);
    const qsizetype rest = bulk * PerStatement;
    if (error.isEmpty() && rest < rows.size())
        error = insertRunBatch(db, rows, rest, rows.size() - rest, 1);
    if (!error.isEmpty()) {
        db.rollback();
        return error;
    }
    return db.commit() ? QString() : db.lastError().text();
}

// Gives every running row the holder `holder` (a process's ProcessIdentity text), instance
// "web01:4711", the heartbeat `heartbeatMSecs` and a 60 s lease, and `moreColumns` ("progress_done
// = 1, ..."); the error, if any.
inline QString holdRunningRows(QSqlDatabase db, const QString &holder, qint64 heartbeatMSecs,
                               const QString &moreColumns = {})
{
    QSqlQuery held(db);
    if (!held.prepare(
            QStringLiteral("UPDATE jc_runs SET holder = ?, instance_id = 'web01:4711', "
                           "heartbeat_at_ms = ?, lease_ms = 60000%1 WHERE status = "
                           "'running'")
                .arg(moreColumns.isEmpty() ? QString() : QStringLiteral(", ") + moreColumns)))
        return held.lastError().text();
    held.addBindValue(holder);
    held.addBindValue(heartbeatMSecs);
    return held.exec() ? QString() : held.lastError().text();
}

// A migrated test database, the test thread's connection to it and a reader over it.
// Declare it before the models and panes that use the reader.
struct HistoryDatabase
{
    explicit HistoryDatabase(SqlDialect dialect)
        : database(dialect)
    {
        if (!database.isReady()) {
            error = database.error();
            return;
        }
        factory = std::make_shared<ConnectionFactory>(database.url());
        auto connection = factory->connectionForCurrentThread();
        if (!connection) {
            error = connection.error();
            return;
        }
        db = *connection;
        if (auto migrated = Migrator().migrate(db); !migrated) {
            error = migrated.error();
            return;
        }
        reader = std::make_unique<DatabaseReader>(factory);
    }

    bool isReady() const { return error.isEmpty(); }

    TestDatabase database;
    std::shared_ptr<ConnectionFactory> factory;
    QSqlDatabase db;
    std::unique_ptr<DatabaseReader> reader;
    QString error;
};

} // namespace jc::test

// Gives the test function `h` (a HistoryDatabase) for the row's dialect.
#define OPEN_HISTORY_DATABASE()                                                                    \
    QFETCH(jc::SqlDialect, dialect);                                                               \
    jc::test::HistoryDatabase h(dialect);                                                          \
    QVERIFY2(h.isReady(), qPrintable(h.error))

#define INSERT_RUNS(rows)                                                                          \
    do {                                                                                           \
        const QString insertError_ = jc::test::insertRuns(h.db, rows);                             \
        QVERIFY2(insertError_.isEmpty(), qPrintable(insertError_));                                \
    } while (false)
