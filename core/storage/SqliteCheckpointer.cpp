#include "storage/SqliteCheckpointer.h"

#include "storage/ConnectionFactory.h"
#include "storage/StorageLog.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

namespace jc {

std::unique_ptr<SqliteCheckpointer> SqliteCheckpointer::start(ConnectionFactory &database,
                                                              qint64 logFramesLimit)
{
    std::unique_ptr<SqliteCheckpointer> checkpointer(
        new SqliteCheckpointer(database, std::max<qint64>(1, logFramesLimit)));
    // Started once every member is in place: the thread reads them.
    checkpointer->m_thread->start();
    std::unique_lock lock(checkpointer->m_mutex);
    checkpointer->m_ended.wait(lock, [&] { return checkpointer->m_opened >= 0; });
    if (checkpointer->m_opened == 0) {
        lock.unlock(); // the destructor joins the thread, which has ended
        return nullptr;
    }
    return checkpointer;
}

SqliteCheckpointer::SqliteCheckpointer(ConnectionFactory &database, qint64 logFramesLimit)
    : m_database(database)
    , m_limit(logFramesLimit)
    , m_thread(QThread::create([this] { run(); }))
    , m_waitAbove(logFramesLimit)
{
    m_thread->setObjectName(QStringLiteral("SQLite checkpoints"));
}

SqliteCheckpointer::~SqliteCheckpointer()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_asked.notify_all();
    m_thread->wait();
    const Figures figures = this->figures();
    qCDebug(lcStorage).noquote()
        << QStringLiteral("%1 checkpoints beside the writer; it waited for %2 of them, %3 ms")
               .arg(figures.passes)
               .arg(figures.waits)
               .arg(figures.waitedMSecs);
}

void SqliteCheckpointer::afterCommit()
{
    std::unique_lock lock(m_mutex);
    const qint64 request = ++m_requested;
    m_asked.notify_all();
    if (m_figures.logFrames < m_waitAbove)
        return;
    QElapsedTimer waited;
    waited.start();
    m_ended.wait(lock, [&] { return m_served >= request; });
    ++m_figures.waits;
    m_figures.waitedMSecs += waited.elapsed();
    // Copied whole, the log starts over at the writer's next BEGIN. A reader that held the pass
    // short keeps it as it is: then wait again only once it has grown by the limit once more.
    m_waitAbove =
        m_figures.copiedFrames < m_figures.logFrames ? m_figures.logFrames + m_limit : m_limit;
    if (m_figures.copiedFrames >= m_figures.logFrames)
        m_figures.logFrames = 0;
}

void SqliteCheckpointer::waitForPasses()
{
    std::unique_lock lock(m_mutex);
    const qint64 request = m_requested;
    m_ended.wait(lock, [&] { return m_served >= request; });
}

SqliteCheckpointer::Figures SqliteCheckpointer::figures() const
{
    const std::lock_guard lock(m_mutex);
    return m_figures;
}

void SqliteCheckpointer::run()
{
    const bool opened = openConnection();
    std::unique_lock lock(m_mutex);
    m_opened = opened ? 1 : 0;
    m_ended.notify_all();
    while (opened) {
        m_asked.wait(lock, [this] { return m_stop || m_requested != m_served; });
        if (m_requested == m_served) // stopped, and nothing left to copy
            break;
        const qint64 request = m_requested;
        lock.unlock();
        pass();
        lock.lock();
        m_served = request;
        ++m_figures.passes;
        m_ended.notify_all();
    }
    // The connection is closed and removed by the factory when this thread finishes.
}

bool SqliteCheckpointer::openConnection()
{
    const auto db = m_database.connectionForCurrentThread();
    if (db)
        return true;
    qCWarning(lcStorage).noquote()
        << QStringLiteral("No checkpoints beside the top-up's writer (it checkpoints itself): %1")
               .arg(db.error());
    return false;
}

// PASSIVE: copies what no reader still needs, waits for nobody, and calls no busy handler.
void SqliteCheckpointer::pass()
{
    const auto db = m_database.connectionForCurrentThread();
    if (!db) {
        qCDebug(lcStorage).noquote() << QStringLiteral("Checkpoint skipped: %1").arg(db.error());
        return;
    }
    QSqlQuery query(db.value());
    if (!query.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")) || !query.next()) {
        qCDebug(lcStorage).noquote()
            << QStringLiteral("Checkpoint failed: %1").arg(query.lastError().text());
        return;
    }
    const qint64 log = query.value(1).toLongLong();
    const qint64 copied = query.value(2).toLongLong();
    const std::lock_guard lock(m_mutex);
    m_figures.logFrames = log;
    m_figures.copiedFrames = copied;
    if (log < m_limit) // started over since the last wait
        m_waitAbove = m_limit;
}

} // namespace jc
