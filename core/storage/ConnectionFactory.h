#pragma once

#include "common/Expected.h"
#include "storage/ConnectionOptions.h"
#include "storage/DatabaseUrl.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <mutex>
#include <optional>

namespace jc {

class DatabaseConnector;

// Hands each thread its own connection to one database (ARCHITECTURE.md, decision 4: a
// QSqlDatabase belongs to the thread that opened it).
//
// Thread-safe: any thread may call any member. What connectionForCurrentThread() returns
// belongs to the calling thread: use it only there, as a local, and do not keep it beyond the
// thread's current piece of work (ask again instead; that is cheap).
//
// The lifetime rule:
//  - A connection is opened lazily, on the first call from a thread, under a name unique to
//    this factory and that thread ("jc.storage.<factory>.<thread>").
//  - It is closed and removed on its own thread, never elsewhere: when that QThread finishes
//    (QThread::finished is emitted on the finishing thread; thread-pool threads finish when
//    they expire), or when that same thread calls closeAll() or destroys the factory.
//  - closeAll() and the destructor close the calling thread's connection directly and mark
//    every other thread's connection as dropped: that thread closes and reopens it on its next
//    call, and removes it when it finishes (also after the factory is gone).
//  - SQLite: every new connection gets a busy timeout, WAL, foreign keys and
//    synchronous=NORMAL (see SqliteConnector).
//  - PostgreSQL: a lost connection (server restart, terminated backend) is reopened on the
//    next call. Two checks, both cheap: Qt's driver closes a connection whose statement found
//    the server gone, so a closed one is reopened (costs nothing); and a connection idle for
//    longer than ConnectionOptions::postgresIdleCheck is probed with SELECT 1 first (one round
//    trip, only after a quiet period), so a restart during a quiet period does not cost the
//    next statement. A statement that was running when the server went away still fails: its
//    caller gets the error, and the following call gets a fresh connection.
//  - MySQL: the same, except that Qt's driver leaves a connection open when its server is
//    gone ("Server has gone away"): every connection not used for MySqlIdleCheckMSecs is
//    probed, so that a thread that works every second (a scheduler) reconnects after a
//    server restart at its next call after a pause, instead of failing until it goes quiet
//    for the idle check. (Auto-reconnect in the client library would lose the session's
//    time zone, SQL mode and presence lock without a word.)
//
// Errors are values: each failure says what went wrong and what to do (missing Qt driver and
// its Debian package, unreachable server, refused login, unwritable or foreign file).
class ConnectionFactory
{
public:
    explicit ConnectionFactory(DatabaseUrl url, ConnectionOptions options = {});
    ~ConnectionFactory();

    ConnectionFactory(const ConnectionFactory &) = delete;
    ConnectionFactory &operator=(const ConnectionFactory &) = delete;

    [[nodiscard]] const DatabaseUrl &url() const { return m_url; }
    [[nodiscard]] SqlDialect dialect() const { return m_url.dialect(); }
    [[nodiscard]] const ConnectionOptions &options() const { return m_options; }

    // The calling thread's open connection, opened (or reopened) here if needed.
    Expected<QSqlDatabase, QString> connectionForCurrentThread();

    // Closes the calling thread's connection and marks the others dropped (rule above). The
    // factory stays usable: the next call opens anew.
    void closeAll();

    // How many threads hold a connection from this factory (dropped ones included until their
    // thread calls again or ends). For tests and diagnostics.
    [[nodiscard]] int connectionCount() const;

    // SQLite takes one writer at a time. Writers of this process queue on this lock (held
    // from BEGIN to COMMIT, see WriteTransaction) instead of meeting in SQLite's busy
    // handler, which sleeps in growing steps of up to 100 ms: with 16 workers writing at
    // once that sleeping, not the writing, was the cost. Other processes still meet the busy
    // timeout. PostgreSQL: an empty lock (its row locks do the work).
    std::unique_lock<std::mutex> lockForWriting();

    // The connection name the calling thread uses; empty before its first connection.
    [[nodiscard]] QString connectionNameForCurrentThread() const;

    // MySQL: a connection unused for this long is probed before it is handed out (above).
    static constexpr qint64 MySqlIdleCheckMSecs = 500;

private:
    class Registry;

    Expected<QSqlDatabase, QString> openNewConnection();
    // How long a connection may stay unused before it is probed (never for SQLite).
    [[nodiscard]] qint64 idleCheckMSecs() const;
    std::optional<QString> openAndSetUp(QSqlDatabase &db) const;
    [[nodiscard]] std::optional<QString> missingDriver() const;
    [[nodiscard]] QString driverName() const;

    DatabaseUrl m_url;
    ConnectionOptions m_options;
    const DatabaseConnector &m_connector; // the dialect's, chosen once
    std::shared_ptr<Registry> m_registry; // shared with the QThread::finished handlers
    std::mutex m_sqliteWriter;
};

} // namespace jc
