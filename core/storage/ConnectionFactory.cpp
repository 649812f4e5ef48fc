#include "storage/ConnectionFactory.h"

#include "storage/DatabaseConnector.h"
#include "storage/PostgresConnector.h"
#include "storage/StorageLog.h"

#include <QAtomicInteger>
#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSqlError>
#include <QStringList>
#include <QThread>

namespace jc {

namespace {

QAtomicInteger<quint64> factorySerials;

// Closes and removes a connection; only ever called on the thread that owns it.
void removeConnection(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    } // the last handle must be gone before removeDatabase, or Qt warns "still in use"
    QSqlDatabase::removeDatabase(name);
    qCDebug(lcStorage) << "closed connection" << name;
}

} // namespace

// The factory's book of connections, one entry per thread. Shared with the handlers of
// QThread::finished, which may run after the factory is gone. All members lock the mutex;
// none opens or closes a connection while holding it.
class ConnectionFactory::Registry : public std::enable_shared_from_this<Registry>
{
public:
    struct Entry
    {
        QString name;
        quint64 generation = 0;
        QElapsedTimer sinceUse;
        QMetaObject::Connection onFinished;
    };
    struct Lookup
    {
        QString name;
        bool dropped = false;
        qint64 idleMSecs = 0;
    };

    std::optional<Lookup> find(QThread *thread) const
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_entries.constFind(thread);
        if (it == m_entries.cend())
            return std::nullopt;
        return Lookup{it->name, it->generation != m_generation, it->sinceUse.elapsed()};
    }

    QString newName()
    {
        QMutexLocker lock(&m_mutex);
        return QStringLiteral("jc.storage.%1.%2").arg(m_factorySerial).arg(++m_threadSerial);
    }

    // Registers the calling thread's new connection; it is removed when the thread finishes.
    void add(QThread *thread, const QString &name)
    {
        auto onFinished = QObject::connect(
            thread, &QThread::finished, thread,
            [self = shared_from_this(), thread] {
                if (auto taken = self->take(thread))
                    removeConnection(*taken);
            },
            Qt::DirectConnection);
        QMutexLocker lock(&m_mutex);
        Entry &entry = m_entries[thread];
        entry.name = name;
        entry.generation = m_generation;
        entry.sinceUse.start();
        entry.onFinished = onFinished;
    }

    void markUsed(QThread *thread)
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_entries.find(thread);
        if (it != m_entries.end()) {
            it->generation = m_generation;
            it->sinceUse.start();
        }
    }

    // Forgets the thread's connection and returns its name, for the caller to remove.
    std::optional<QString> take(QThread *thread)
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_entries.find(thread);
        if (it == m_entries.end())
            return std::nullopt;
        QObject::disconnect(it->onFinished);
        const QString name = it->name;
        m_entries.erase(it);
        return name;
    }

    void dropAll()
    {
        QMutexLocker lock(&m_mutex);
        ++m_generation;
    }

    int count() const
    {
        QMutexLocker lock(&m_mutex);
        return static_cast<int>(m_entries.size());
    }

private:
    mutable QMutex m_mutex;
    QHash<QThread *, Entry> m_entries;
    quint64 m_generation = 0;
    quint64 m_threadSerial = 0;
    const quint64 m_factorySerial = ++factorySerials;
};

ConnectionFactory::ConnectionFactory(DatabaseUrl url, ConnectionOptions options)
    : m_url(std::move(url))
    , m_options(std::move(options))
    , m_connector(DatabaseConnector::forDialect(m_url.dialect()))
    , m_registry(std::make_shared<Registry>())
{}

ConnectionFactory::~ConnectionFactory()
{
    closeAll();
}

Expected<QSqlDatabase, QString> ConnectionFactory::connectionForCurrentThread()
{
    QThread *thread = QThread::currentThread();
    const auto found = m_registry->find(thread);
    if (!found)
        return openNewConnection();
    QSqlDatabase db = QSqlDatabase::database(found->name, false);
    if (found->dropped) {
        qCDebug(lcStorage) << "reopening dropped connection" << found->name;
        db.close();
    } else if (dialect() != SqlDialect::Sqlite && db.isOpen() &&
               found->idleMSecs >= idleCheckMSecs() &&
               !PostgresConnector::isAlive(db)) { // a SELECT 1: any server database
        qCInfo(lcStorage) << "lost the connection to" << m_url.toDisplayString()
                          << "while it was idle; reopening";
        db.close();
    }
    if (!db.isOpen()) {
        if (auto error = openAndSetUp(db))
            return Unexpected(*error);
    }
    m_registry->markUsed(thread);
    return db;
}

qint64 ConnectionFactory::idleCheckMSecs() const
{
    const qint64 configured = m_options.postgresIdleCheck.count();
    return dialect() == SqlDialect::MySql ? std::min(configured, MySqlIdleCheckMSecs) : configured;
}

Expected<QSqlDatabase, QString> ConnectionFactory::openNewConnection()
{
    std::optional<QString> error = missingDriver();
    if (!error)
        error = m_connector.prepare(m_url, m_options);
    if (error) {
        qCDebug(lcStorage).noquote() << "cannot connect:" << *error;
        return Unexpected(*error);
    }
    const QString name = m_registry->newName();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driverName(), name);
        m_connector.configure(db, m_url, m_options);
        error = openAndSetUp(db);
    }
    if (error) {
        QSqlDatabase::removeDatabase(name);
        return Unexpected(*error);
    }
    m_registry->add(QThread::currentThread(), name);
    return QSqlDatabase::database(name, false);
}

std::optional<QString> ConnectionFactory::openAndSetUp(QSqlDatabase &db) const
{
    std::optional<QString> error = db.open() ? m_connector.setUp(db, m_url, m_options)
                                             : m_connector.openFailed(m_url, db.lastError());
    if (error) {
        db.close();
        qCDebug(lcStorage).noquote() << "cannot connect:" << *error;
        return error;
    }
    qCDebug(lcStorage) << "opened connection" << db.connectionName() << "to"
                       << m_url.toDisplayString() << "on thread" << QThread::currentThread();
    return std::nullopt;
}

std::optional<QString> ConnectionFactory::missingDriver() const
{
    if (QSqlDatabase::isDriverAvailable(driverName()))
        return std::nullopt;
    const QString package = driverPackageName(dialect());
    return QStringLiteral("The Qt SQL driver %1 is not installed, so %2 databases cannot be "
                          "opened: install the Debian package %3 (apt-get install %3). Drivers "
                          "available: %4.")
        .arg(driverName(), toString(dialect()), package,
             QSqlDatabase::drivers().join(QLatin1String(", ")));
}

QString ConnectionFactory::driverName() const
{
    return m_options.driverName.isEmpty() ? defaultDriverName(dialect()) : m_options.driverName;
}

void ConnectionFactory::closeAll()
{
    m_registry->dropAll();
    if (auto name = m_registry->take(QThread::currentThread()))
        removeConnection(*name);
}

int ConnectionFactory::connectionCount() const
{
    return m_registry->count();
}

QString ConnectionFactory::connectionNameForCurrentThread() const
{
    const auto found = m_registry->find(QThread::currentThread());
    return found ? found->name : QString();
}

std::unique_lock<std::mutex> ConnectionFactory::lockForWriting()
{
    if (dialect() == SqlDialect::Sqlite)
        return std::unique_lock(m_sqliteWriter);
    return {};
}

} // namespace jc
