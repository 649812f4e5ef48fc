#include "storage/ReplyingPool.h"

#include "common/BackgroundPriority.h"
#include "storage/StorageLog.h"

#include <QPointer>
#include <QThreadPool>

#include <algorithm>
#include <climits>
#include <memory>
#include <mutex>
#include <vector>

namespace jc {

namespace {

// Pools given up on, kept for the rest of the process: their stuck work still runs on their
// threads. Held here rather than dropped, so that they stay reachable (and no leak checker
// calls them lost).
void keepForTheProcess(std::unique_ptr<QThreadPool> pool)
{
    static std::mutex mutex;
    static auto *abandoned = new std::vector<std::unique_ptr<QThreadPool>>;
    const std::lock_guard lock(mutex);
    abandoned->push_back(std::move(pool));
}

} // namespace

// Where a finished piece of work posts its answer: the receiver while the pool is alive, nowhere
// after. Shared with the work, so a late piece of work never touches the gone pool. An answer
// is looked at twice: when posted, and again when the receiver's thread takes it from its queue,
// since one posted just before close() would otherwise arrive after it.
class ReplyingPool::Mailbox : public std::enable_shared_from_this<Mailbox>
{
public:
    explicit Mailbox(QObject *receiver)
        : m_receiver(receiver)
    {}

    void post(Answer answer)
    {
        const std::lock_guard lock(m_mutex);
        if (!m_receiver || !answer)
            return;
        QMetaObject::invokeMethod(
            m_receiver,
            [self = shared_from_this(), answer = std::move(answer)] {
                if (self->isOpen())
                    answer();
            },
            Qt::QueuedConnection);
    }

    void close()
    {
        const std::lock_guard lock(m_mutex);
        m_receiver = nullptr;
    }

private:
    bool isOpen()
    {
        const std::lock_guard lock(m_mutex);
        return m_receiver != nullptr;
    }

    std::mutex m_mutex;
    QObject *m_receiver;
};

ReplyingPool::ReplyingPool(QObject *receiver, int maxThreads,
                           std::chrono::milliseconds shutdownDeadline, const QString &name)
    : m_mailbox(std::make_shared<Mailbox>(receiver))
    , m_pool(std::make_unique<QThreadPool>())
    , m_shutdownDeadline(shutdownDeadline)
    , m_name(name)
{
    m_pool->setMaxThreadCount(std::max(1, maxThreads));
    m_pool->setObjectName(name);
}

ReplyingPool::~ReplyingPool()
{
    shutDown();
}

void ReplyingPool::shutDown()
{
    if (!m_pool)
        return;
    m_mailbox->close();
    const auto deadline = std::clamp<qint64>(m_shutdownDeadline.count(), 0, INT_MAX);
    if (m_pool->waitForDone(static_cast<int>(deadline))) {
        m_pool.reset();
        return;
    }
    // Destroying the pool would wait for the stuck work without end. Left allocated, its
    // threads finish (or die with the process); the work owns all it uses.
    qCWarning(lcStorage).noquote()
        << QStringLiteral("%1: gave up waiting for database work still going "
                          "after %2 ms; it is left to finish on its own")
               .arg(m_name)
               .arg(deadline);
    keepForTheProcess(std::move(m_pool));
}

void ReplyingPool::start(Work work)
{
    if (!m_pool)
        return;
    BackgroundPriority::start(
        *m_pool, [mailbox = m_mailbox, work = std::move(work)] { mailbox->post(work()); });
}

void ReplyingPool::keepThreads()
{
    if (m_pool)
        m_pool->setExpiryTimeout(-1);
}

} // namespace jc
