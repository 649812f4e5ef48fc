#pragma once

#include "storage/ConnectionFactory.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>

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
// reused); each pool thread has its own connection from the shared ConnectionFactory.
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
    explicit DatabaseReader(std::shared_ptr<ConnectionFactory> database, QObject *parent = nullptr);
    // Waits for the queries in flight (they are bounded reads) before the factory may go.
    ~DatabaseReader() override;

    const std::shared_ptr<ConnectionFactory> &database() const { return m_database; }
    bool isConnected() const { return m_connected; }
    const QString &lastError() const { return m_lastError; }

    template <typename Result>
    void read(QObject *receiver, std::function<Result(ConnectionFactory &)> query,
              std::function<void(Result)> deliver)
    {
        QPointer<QObject> guard(receiver);
        std::shared_ptr<ConnectionFactory> database = m_database;
        m_pool.start(
            [this, guard, database, query = std::move(query), deliver = std::move(deliver)] {
                auto result = std::make_shared<Result>(query(*database));
                // Posted to the reader, which outlives its pool (its destructor waits for it), not
                // to the receiver: the receiver may be destroyed on the GUI thread at any moment,
                // so it is looked at there only. (Checking it here and then posting to it left a
                // window in which the post went to a destroyed object.)
                QMetaObject::invokeMethod(
                    this,
                    [guard, result, deliver] {
                        if (guard)
                            deliver(std::move(*result));
                    },
                    Qt::QueuedConnection);
            });
    }

    // Called on the GUI thread with what a query found.
    void reportSuccess();
    void reportFailure(const QString &error);

signals:
    void connectionChanged(bool connected, const QString &error);

private:
    std::shared_ptr<ConnectionFactory> m_database;
    QThreadPool m_pool;
    bool m_connected = true;
    QString m_lastError;
};

} // namespace jc
