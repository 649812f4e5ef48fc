#pragma once

#include "common/Expected.h"
#include "service/MetricsListenAddress.h"

#include <QByteArray>
#include <QObject>
#include <QTcpServer>

#include <chrono>
#include <functional>
#include <memory>
#include <unordered_map>

class QTcpSocket;

namespace jc {

// The HTTP endpoint of `jobctl serve --metrics`: answers `GET /metrics` with the text its
// source renders (OpenMetrics), anything else with 404, on a plain QTcpServer.
//
// Why not QtHttpServer: in Qt 6.4 (Debian 12's qt6-httpserver-dev) it is a technology preview
// whose API changed in 6.5 and later, it is one more package to install and ship, and it
// gives no control over how much of a request it buffers or how long a connection may stay
// open. A scrape endpoint needs one method on one path; a strict reader of our own is a
// hundred lines whose limits are ours (HttpRequestHead).
//
// What a slow or hostile client can cost, whatever it sends: at most `maxConnections`
// connections are served at once (more are answered 503 and closed), each buffers at most
// `maxHeadBytes` of request head (more: 431 and closed) and lives at most `deadline` from
// accept to close, answered or not. Every answer carries `Connection: close` and closes;
// a request body is never read. Nothing here blocks: sockets are read and written from the
// event loop of the thread this object lives on, which is the scheduler's in `jobctl serve`,
// so the source's render() runs there too and must be cheap.
//
// Answers: GET /metrics (a query string is ignored) -> 200 with kContentType; any other path,
// or any other method on /metrics (HEAD and POST included) -> 404; a malformed head -> 400;
// no source yet -> 503.
//
// Thread: lives on the thread that creates it; every member function is called there.
class MetricsServer : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        qsizetype maxHeadBytes = 8 * 1024;
        int maxConnections = 16;
        std::chrono::milliseconds deadline{std::chrono::seconds(5)};
    };
    using Source = std::function<QByteArray()>;

    static constexpr const char *kContentType =
        "application/openmetrics-text; version=1.0.0; charset=utf-8";

    explicit MetricsServer(QObject *parent = nullptr);
    explicit MetricsServer(Limits limits, QObject *parent = nullptr);
    ~MetricsServer() override;

    // Binds and listens; an error names the address, the reason and what to do ("cannot
    // listen on 127.0.0.1:9100: address in use; choose another port").
    Expected<void, QString> listen(const MetricsListenAddress &address);
    bool isListening() const { return m_server.isListening(); }
    // The port listened on (the one chosen when 0 was asked for); 0 when not listening.
    quint16 port() const { return m_server.serverPort(); }
    // "http://127.0.0.1:43121/metrics"; empty when not listening.
    QString url() const;

    // What GET /metrics answers; an empty source (the default) makes it answer 503.
    void setSource(Source source) { m_source = std::move(source); }

    // Connections being served now (not those refused); for tests.
    int connectionCount() const { return int(m_connections.size()); }

private:
    struct Connection
    {
        QByteArray head;
        bool answered = false;
    };

    void acceptPending();
    void refuse(QTcpSocket *socket);
    void readFrom(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const QByteArray &head);
    void reply(QTcpSocket *socket, int status, const QByteArray &contentType,
               const QByteArray &body);
    void drop(QTcpSocket *socket);

    Limits m_limits;
    Source m_source;
    std::optional<MetricsListenAddress> m_address;
    QTcpServer m_server;
    std::unordered_map<QTcpSocket *, Connection> m_connections;
};

} // namespace jc
