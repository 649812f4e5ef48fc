#include "ServiceNotifier.h"

#include <QLoggingCategory>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcService, "jc.service")

using namespace std::chrono;

namespace {

constexpr std::size_t pathCapacity = sizeof(sockaddr_un::sun_path);

// The address as sendto() takes it: a path with its terminating zero, or, for "@name", a
// zero byte and the name without one (abstract names are counted, not terminated).
QByteArray addressOf(const QByteArray &socket)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, socket.constData(), std::size_t(socket.size()));
    std::size_t length = offsetof(sockaddr_un, sun_path) + std::size_t(socket.size());
    if (socket.startsWith('@'))
        address.sun_path[0] = '\0';
    else
        ++length;
    return QByteArray(reinterpret_cast<const char *>(&address), qsizetype(length));
}

QString socketError(const QByteArray &socket)
{
    if (!socket.startsWith('/') && !socket.startsWith('@'))
        return QStringLiteral("NOTIFY_SOCKET: \"%1\" is neither an absolute path nor an "
                              "abstract socket name (@name)")
            .arg(QString::fromLocal8Bit(socket));
    if (socket.size() < 2 || std::size_t(socket.size()) >= pathCapacity)
        return QStringLiteral("NOTIFY_SOCKET: \"%1\" is not a usable socket address (1 to %2 "
                              "bytes after the first)")
            .arg(QString::fromLocal8Bit(socket))
            .arg(pathCapacity - 2);
    return {};
}

// One STATUS= line: a line break would end the value and start a bogus key.
QByteArray statusLine(const QString &status)
{
    QString text = status;
    text.replace(u'\n', u' ');
    return "STATUS=" + text.toUtf8();
}

} // namespace

ServiceNotifier::Settings ServiceNotifier::settingsFrom(const QProcessEnvironment &environment,
                                                        qint64 pid)
{
    Settings settings;
    settings.socket = environment.value(QStringLiteral("NOTIFY_SOCKET")).toLocal8Bit();
    if (settings.socket.isEmpty())
        return settings; // not under a service manager: nothing else matters
    settings.error = socketError(settings.socket);
    if (!settings.error.isEmpty())
        return settings;
    const QString usecText = environment.value(QStringLiteral("WATCHDOG_USEC"));
    if (usecText.isEmpty())
        return settings;
    bool ok = false;
    const qint64 usec = usecText.toLongLong(&ok);
    if (!ok || usec <= 0) {
        settings.error = QStringLiteral("WATCHDOG_USEC: \"%1\" is not a positive number of "
                                        "microseconds")
                             .arg(usecText);
        return settings;
    }
    const QString pidText = environment.value(QStringLiteral("WATCHDOG_PID"));
    if (!pidText.isEmpty()) {
        const qint64 watchdogPid = pidText.toLongLong(&ok);
        if (!ok || watchdogPid <= 0) {
            settings.error =
                QStringLiteral("WATCHDOG_PID: \"%1\" is not a process id").arg(pidText);
            return settings;
        }
        if (watchdogPid != pid)
            return settings; // the watchdog is another process's
    }
    settings.watchdog = microseconds(usec);
    return settings;
}

ServiceNotifier::ServiceNotifier(const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_watchdogPeriod(settings.watchdog)
{
    m_watchdog.setTimerType(Qt::PreciseTimer);
    connect(&m_watchdog, &QTimer::timeout, this, [this] { notify("WATCHDOG=1"); });
    if (settings.socket.isEmpty() || !settings.error.isEmpty())
        return;
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        qCWarning(lcService) << "Cannot create a socket for NOTIFY_SOCKET:" << std::strerror(errno);
        return;
    }
    const timeval timeout{1, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    m_address = addressOf(settings.socket);
}

ServiceNotifier::~ServiceNotifier()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

milliseconds ServiceNotifier::watchdogInterval() const
{
    if (!isActive() || m_watchdogPeriod <= microseconds::zero())
        return milliseconds::zero();
    return std::max(milliseconds(1), duration_cast<milliseconds>(m_watchdogPeriod / 2));
}

bool ServiceNotifier::notify(const QByteArray &state)
{
    if (!isActive())
        return false;
    const ssize_t sent = ::sendto(m_fd, state.constData(), std::size_t(state.size()), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr *>(m_address.constData()),
                                  socklen_t(m_address.size()));
    if (sent == ssize_t(state.size()))
        return true;
    if (!m_warned) { // once: a missing receiver would otherwise fill the log every ping
        m_warned = true;
        qCWarning(lcService).nospace()
            << "Cannot notify the service manager (" << std::strerror(errno)
            << "): " << state.left(state.indexOf('\n')).constData()
            << " and later notices are lost";
    }
    return false;
}

void ServiceNotifier::ready(const QString &status)
{
    m_lastStatus = status;
    notify("READY=1\n" + statusLine(status));
    startWatchdog();
}

void ServiceNotifier::stopping(const QString &status)
{
    stopWatchdog();
    m_lastStatus = status;
    notify("STOPPING=1\n" + statusLine(status));
}

void ServiceNotifier::setStatus(const QString &status)
{
    if (status == m_lastStatus)
        return;
    m_lastStatus = status;
    notify(statusLine(status));
}

void ServiceNotifier::startWatchdog()
{
    const milliseconds interval = watchdogInterval();
    if (interval <= milliseconds::zero())
        return;
    notify("WATCHDOG=1");
    m_watchdog.start(interval);
}

void ServiceNotifier::stopWatchdog()
{
    m_watchdog.stop();
}
