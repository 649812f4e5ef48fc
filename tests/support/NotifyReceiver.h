#pragma once

// A stand-in for systemd's notify socket: an AF_UNIX datagram socket bound to a path or, for
// "@name", to an abstract name. It collects what a ServiceNotifier (or a `jobctl serve` child
// given NOTIFY_SOCKET) sends, as the event loop runs (the kernel queues only about ten
// datagrams per socket: a sender would then lose its pings), or at once with take().
//
//   jc::test::NotifyReceiver receiver(QFile::encodeName(folder.filePath(u"notify"_s)));
//   environment.insert(u"NOTIFY_SOCKET"_s, receiver.name());
//   QVERIFY(jc::test::waitUntil([&] { return receiver.hasLine("READY=1"); }, 20000));

#include <QByteArray>
#include <QList>
#include <QSocketNotifier>
#include <QString>

#include <cstddef>
#include <cstring>
#include <memory>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace jc::test {

class NotifyReceiver
{
public:
    explicit NotifyReceiver(const QByteArray &name)
        : m_name(name)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (m_fd < 0 || std::size_t(name.size()) >= sizeof(sockaddr_un::sun_path))
            return;
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, name.constData(), std::size_t(name.size()));
        auto length = socklen_t(offsetof(sockaddr_un, sun_path) + std::size_t(name.size()));
        if (name.startsWith('@'))
            address.sun_path[0] = '\0'; // abstract: counted, not terminated
        else
            ++length;
        m_bound = ::bind(m_fd, reinterpret_cast<const sockaddr *>(&address), length) == 0;
        if (!m_bound)
            return;
        m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(),
                         [this] { drain(); });
    }
    ~NotifyReceiver()
    {
        m_notifier.reset();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    NotifyReceiver(const NotifyReceiver &) = delete;
    NotifyReceiver &operator=(const NotifyReceiver &) = delete;

    bool isBound() const { return m_bound; }
    QString name() const { return QString::fromLocal8Bit(m_name); }

    // Every datagram received since the last take(), oldest first.
    QList<QByteArray> take()
    {
        drain();
        return std::exchange(m_datagrams, {});
    }
    // Every datagram received so far (take() forgets them).
    const QList<QByteArray> &datagrams()
    {
        drain();
        return m_datagrams;
    }
    // The "KEY=value" lines of all datagrams so far, in order.
    QList<QByteArray> lines()
    {
        QList<QByteArray> all;
        for (const QByteArray &datagram : datagrams())
            all += datagram.split('\n');
        return all;
    }
    bool hasLine(const QByteArray &line) { return lines().contains(line); }
    qsizetype count(const QByteArray &line) { return lines().count(line); }

private:
    void drain()
    {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n < 0)
                return;
            m_datagrams.append(QByteArray(buffer, qsizetype(n)));
        }
    }

    QByteArray m_name;
    int m_fd = -1;
    bool m_bound = false;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QList<QByteArray> m_datagrams;
};

} // namespace jc::test
