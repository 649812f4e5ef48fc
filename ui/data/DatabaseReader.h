#pragma once

#include "storage/ConnectionFactory.h"
#include "storage/ReplyingPool.h"

#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>
#include <memory>

namespace jc {

// Runs the console's queries off the GUI thread (ARCHITECTURE.md, decision 4) and hands each
// result back on the GUI thread.
//
//   reader.read<Expected<QList<StoredRun>, QString>>(
//       this,                                             // receiver: gone → reply dropped
//       [query](ConnectionFactory &db) { return RunHistory(db...).runs(query); },  // off-thread
//       [this, ticket](auto result) { if (ticket == m_ticket) apply(result); });   // GUI thread
//
// Queries run on a small private pool (two threads, kept alive so their connections are
// reused); each pool thread has its own connection from the shared ConnectionFactory. A query
// that hangs (a lock, a dead network) never hangs the console's exit: see ReplyingPool.
// Stale replies: the reader drops a reply whose receiver was destroyed; a model that asks
// again before an answer arrives keeps a ticket (a counter) and ignores older tickets.
//
// Connection state: a query reports success or failure through reportSuccess() /
// reportFailure() (the storage classes return Expected; the caller tells the reader), and
// the reader emits connectionChanged() when the state flips, for the status bar.
class DatabaseReader : public QObject
{
    Q_OBJECT
public:
    // `shutdownDeadline`: how long destruction waits for queries in flight; one still going
    // then is left to finish on its own and its reply is dropped.
    explicit DatabaseReader(std::shared_ptr<ConnectionFactory> database, QObject *parent = nullptr,
                            std::chrono::milliseconds shutdownDeadline = std::chrono::seconds(5));
    ~DatabaseReader() override;

    const std::shared_ptr<ConnectionFactory> &database() const { return m_database; }
    bool isConnected() const { return m_connected; }
    const QString &lastError() const { return m_lastError; }

    template <typename Result>
    void read(QObject *receiver, std::function<Result(ConnectionFactory &)> query,
              std::function<void(Result)> deliver)
    {
        QPointer<QObject> guard(receiver);
        m_pool.start([guard, database = m_database, query = std::move(query),
                      deliver = std::move(deliver)]() -> ReplyingPool::Answer {
            auto result = std::make_shared<Result>(query(*database));
            // Answered through the reader's pool, on the GUI thread, and only there is the
            // receiver looked at: it may be destroyed on the GUI thread at any moment.
            return [guard, result, deliver] {
                if (guard)
                    deliver(std::move(*result));
            };
        });
    }

    // Called on the GUI thread with what a query found.
    void reportSuccess();
    void reportFailure(const QString &error);

signals:
    void connectionChanged(bool connected, const QString &error);

private:
    std::shared_ptr<ConnectionFactory> m_database;
    ReplyingPool m_pool;
    bool m_connected = true;
    QString m_lastError;
};

} // namespace jc
