#include "storage/ChangeListener.h"

#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

namespace jc {

ChangeListener::ChangeListener(std::shared_ptr<ConnectionFactory> database,
                               std::chrono::milliseconds retryInterval, QObject *parent)
    : QObject(parent)
    , m_database(std::move(database))
    , m_retryInterval(retryInterval)
{
    m_thread.setObjectName(QStringLiteral("jc.listener"));
}

ChangeListener::~ChangeListener()
{
    if (!m_thread.isRunning())
        return;
    // The context and its timer go on their own thread, then the thread ends, which closes
    // its connection (ConnectionFactory's rule). The thread quits from the same queued call,
    // after the delete: an event still queued when quit() ends the loop is dropped, never run,
    // and a quit() from here could overtake it (LeakSanitizer caught the leak once in
    // tst_mainwindow). No blocking call into the thread: it only has to end.
    QMetaObject::invokeMethod(m_context, [context = m_context] {
        delete context;
        QThread::currentThread()->quit();
    });
    m_thread.wait();
}

bool ChangeListener::isAvailable() const
{
    return m_database->dialect() == SqlDialect::Postgres;
}

void ChangeListener::start()
{
    if (!isAvailable() || m_thread.isRunning())
        return;
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(m_context, [this] {
        auto *timer = new QTimer(m_context);
        timer->setInterval(m_retryInterval);
        connect(timer, &QTimer::timeout, m_context, [this] { check(); });
        timer->start();
        check();
    });
}

// Listening thread: asks the server whether this session listens (a reconnect, by the
// factory or after a server restart, is a new session that does not), and subscribes again
// when not. Changes made in between are lost: changed("") tells the owner to re-read.
void ChangeListener::check()
{
    auto db = m_database->connectionForCurrentThread();
    if (!db)
        return report(false, db.error());
    QSqlQuery query(*db);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM pg_listening_channels() AS c "
                                   "WHERE c = '%1'")
                        .arg(Channel)) ||
        !query.next())
        return report(false, SqlErrors::text(query.lastError()));
    if (query.value(0).toInt() == 1)
        return report(true, {});

    QSqlDriver *driver = db->driver();
    // Qt's driver may still count a subscription of the session that is gone.
    if (driver->subscribedToNotifications().contains(Channel))
        driver->unsubscribeFromNotification(Channel);
    if (!driver->subscribeToNotification(Channel))
        return report(false, QStringLiteral("Could not listen for changes: %1")
                                 .arg(SqlErrors::text(driver->lastError())));
    if (m_driver != driver) {
        m_driver = driver;
        connect(
            driver, &QSqlDriver::notification, m_context,
            [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                if (name != Channel)
                    return;
                QMetaObject::invokeMethod(
                    this, [this, job = payload.toString()] { emit changed(job); },
                    Qt::QueuedConnection);
            });
    }
    if (m_subscribedBefore) {
        // Listening again after a gap: say the gap happened, and that anything may have
        // changed in it.
        report(false, QStringLiteral("The listening connection was lost and reopened"));
        QMetaObject::invokeMethod(
            this, [this] { emit changed({}); }, Qt::QueuedConnection);
    }
    m_subscribedBefore = true;
    report(true, {});
}

// From the listening thread to the owner's: the state as the owner sees it, and the signal
// only when it flips.
void ChangeListener::report(bool listening, const QString &error)
{
    QMetaObject::invokeMethod(
        this,
        [this, listening, error] {
            if (listening == m_listening && error == m_lastError)
                return;
            const bool flipped = listening != m_listening;
            m_listening = listening;
            m_lastError = error;
            if (!flipped)
                return;
            if (listening)
                qCInfo(lcStorage) << "listening for changes on" << Channel;
            else
                qCWarning(lcStorage).noquote() << "not listening for changes:" << error;
            emit listeningChanged(listening, error);
        },
        Qt::QueuedConnection);
}

} // namespace jc
