#include "service/MetricsServer.h"

#include "service/HttpRequestHead.h"
#include "service/ServiceLog.h"

#include <QTcpSocket>
#include <QTimer>

namespace jc {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

// Why listening failed, and what the admin can do about it.
QString listenFailure(const QTcpServer &server)
{
    switch (server.serverError()) {
    case QAbstractSocket::AddressInUseError:
        return QStringLiteral("address in use; choose another port");
    case QAbstractSocket::SocketAddressNotAvailableError:
        return QStringLiteral("not an address of this machine; use one of its own, such as "
                              "127.0.0.1");
    case QAbstractSocket::SocketAccessError:
        return QStringLiteral("permission denied; choose a port above 1023");
    default:
        return server.errorString();
    }
}

const QByteArray plainText = "text/plain; charset=utf-8";

} // namespace

MetricsServer::MetricsServer(QObject *parent)
    : MetricsServer(Limits{}, parent)
{}

MetricsServer::MetricsServer(Limits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
    // Accepted at once, so the kernel's backlog never fills while the event loop is busy.
    connect(&m_server, &QTcpServer::newConnection, this, &MetricsServer::acceptPending);
}

MetricsServer::~MetricsServer()
{
    // The sockets are m_server's children, deleted with it; before that, they must no longer
    // call back into this half-destroyed object (aborting a socket emits disconnected()).
    for (const auto &connection : m_connections)
        connection.first->disconnect(this);
    m_server.close();
}

Expected<void, QString> MetricsServer::listen(const MetricsListenAddress &address)
{
    if (!m_server.listen(address.host(), address.port()))
        return Unexpected(QStringLiteral("cannot listen on %1: %2")
                              .arg(address.hostAndPort(), listenFailure(m_server)));
    m_address = address;
    return {};
}

QString MetricsServer::url() const
{
    if (!m_server.isListening() || !m_address)
        return {};
    return QStringLiteral("http://%1/metrics").arg(m_address->hostAndPort(port()));
}

void MetricsServer::acceptPending()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        // Whatever happens, the socket is gone after the deadline; the timer dies with it.
        QTimer::singleShot(m_limits.deadline, socket, [this, socket] {
            qCDebug(lcMetrics) << "Closing a connection that outlived its deadline";
            drop(socket);
        });
        if (int(m_connections.size()) >= m_limits.maxConnections) {
            refuse(socket);
            continue;
        }
        m_connections.emplace(socket, Connection{});
        // Qt buffers no more than a head may hold; past that it stops reading the socket.
        socket->setReadBufferSize(m_limits.maxHeadBytes);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
        readFrom(socket); // data may have come with the connection
    }
}

// Over the connection limit: a short answer, then closed; never read.
void MetricsServer::refuse(QTcpSocket *socket)
{
    qCWarning(lcMetrics) << "Refusing a connection:" << m_limits.maxConnections
                         << "are being served already";
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    reply(socket, 503, plainText, "Too many connections\n");
}

void MetricsServer::readFrom(QTcpSocket *socket)
{
    const auto found = m_connections.find(socket);
    if (found == m_connections.end() || found->second.answered)
        return; // a body, or more requests: never read
    QByteArray &head = found->second.head;
    head += socket->read(m_limits.maxHeadBytes - head.size());
    if (const auto end = HttpRequestHead::endOf(head); end && *end <= m_limits.maxHeadBytes) {
        found->second.answered = true;
        answer(socket, head.left(*end));
    } else if (head.size() >= m_limits.maxHeadBytes) {
        found->second.answered = true;
        reply(socket, 431, plainText,
              "Request head larger than " + QByteArray::number(m_limits.maxHeadBytes) + " bytes\n");
    }
}

void MetricsServer::answer(QTcpSocket *socket, const QByteArray &head)
{
    const auto request = HttpRequestHead::parse(head);
    if (!request)
        return reply(socket, 400, plainText, "Malformed request\n");
    qCDebug(lcMetrics) << request->method << request->path;
    if (request->method != "GET" || request->path != "/metrics")
        return reply(socket, 404, plainText, "Not found: only GET /metrics is served here\n");
    if (!m_source)
        return reply(socket, 503, plainText, "Starting\n");
    reply(socket, 200, kContentType, m_source());
}

void MetricsServer::reply(QTcpSocket *socket, int status, const QByteArray &contentType,
                          const QByteArray &body)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                          "\r\nContent-Type: " + contentType +
                          "\r\nContent-Length: " + QByteArray::number(body.size()) +
                          "\r\nConnection: close\r\n\r\n";
    response += body;
    socket->write(response);
    socket->disconnectFromHost(); // after the answer is written; the deadline still holds
}

void MetricsServer::drop(QTcpSocket *socket)
{
    m_connections.erase(socket);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

} // namespace jc
