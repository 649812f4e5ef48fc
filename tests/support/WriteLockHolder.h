#pragma once

// Another writer on the test database, as another process would be: its own ConnectionFactory
// (so none of this process's write lock), on its own thread, holding an open write
// transaction (SQLite: BEGIN IMMEDIATE, the database's single write lock; PostgreSQL: BEGIN)
// in which it inserted a row into jc_job_changes for a job nobody else uses. It commits after
// `holdFor`. A write of the code under test that meets it must wait (SQLite: on the busy
// timeout, 5 s) and then succeed, not fail at once with "database is locked".
//
//   test::WriteLockHolder holder(database.url());
//   QVERIFY2(holder.waitUntilHeld(), qPrintable(holder.lockError()));
//   ... write; it must succeed ...
//   holder.finish();
//   QVERIFY2(holder.commitError().isEmpty(), qPrintable(holder.commitError()));
//
// The hold is a fixed time rather than a signal because the writer under test blocks in one
// call: nothing can tell the holder "it is waiting now". The outcome does not depend on it:
// 300 ms is far below the busy timeout, and the write only starts once the lock is held.

#include "storage/ConnectionFactory.h"
#include "storage/WriteTransaction.h"

#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <chrono>
#include <memory>

namespace jc::test {

class WriteLockHolder
{
public:
    explicit WriteLockHolder(const DatabaseUrl &url,
                             std::chrono::milliseconds holdFor = std::chrono::milliseconds(300))
    {
        m_thread.reset(QThread::create([this, url, holdFor] { hold(url, holdFor); }));
        m_thread->start();
    }

    ~WriteLockHolder() { finish(); }

    WriteLockHolder(const WriteLockHolder &) = delete;
    WriteLockHolder &operator=(const WriteLockHolder &) = delete;

    // True once the lock is held (false: it could not be taken; see lockError()).
    bool waitUntilHeld()
    {
        m_held.acquire();
        return m_lockError.isEmpty();
    }

    // Waits for the holder's commit; then commitError() says whether it failed.
    void finish()
    {
        if (m_thread)
            m_thread->wait();
    }

    QString lockError() const { return m_lockError; }
    QString commitError() const { return m_commitError; }

private:
    void hold(const DatabaseUrl &url, std::chrono::milliseconds holdFor)
    {
        ConnectionFactory other(url);
        auto db = other.connectionForCurrentThread();
        WriteTransaction transaction(db ? *db : QSqlDatabase(), other);
        m_lockError = db ? lock(*db, transaction, other.dialect()) : db.error();
        m_held.release(); // also on failure: the waiter must not hang
        if (!m_lockError.isEmpty())
            return;
        QThread::msleep(static_cast<unsigned long>(holdFor.count()));
        if (auto error = transaction.commit())
            m_commitError = *error;
    }

    static QString lock(const QSqlDatabase &db, WriteTransaction &transaction, SqlDialect dialect)
    {
        if (auto error = transaction.begin(dialect))
            return *error;
        QSqlQuery insert(db);
        if (!insert.exec(QStringLiteral("INSERT INTO jc_job_changes (job_name, changed_at_ms, "
                                        "changed_by, \"before\", \"after\") "
                                        "VALUES ('lock holder', 0, 'test', '{}', '{}')")))
            return insert.lastError().text();
        return {};
    }

    QSemaphore m_held;
    QString m_lockError;
    QString m_commitError;
    std::unique_ptr<QThread> m_thread;
};

} // namespace jc::test
