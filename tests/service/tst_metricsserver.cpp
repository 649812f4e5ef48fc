// The metrics endpoint over real loopback sockets: what it answers, and what a slow or
// hostile client can cost (the head limit, the deadline, the connection limit). Waits are
// for conditions, with deadlines; nothing sleeps for timing.
#include "OpenMetricsParser.h"

#include "service/MetricsListenAddress.h"
#include "service/MetricsServer.h"
#include "service/OpenMetricsText.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace jc;
using namespace std::chrono_literals;
using jc::test::parseOpenMetrics;

namespace {

// One client connection; collects what the server sends and notices when it closes.
class Client
{
public:
    explicit Client(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_received += m_socket.readAll(); });
        QObject::connect(&m_socket, &QTcpSocket::disconnected, &m_socket,
                         [this] { m_closed = true; });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected()
    {
        return QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    bool waitClosed(int msecs = 5000)
    {
        return QTest::qWaitFor([this] { return m_closed; }, msecs);
    }
    bool isClosed() const { return m_closed; }
    void close() { m_socket.abort(); }

    const QByteArray &received() const { return m_received; }
    int status() const
    {
        if (!m_received.startsWith("HTTP/1.1 "))
            return 0;
        return m_received.mid(9, 3).toInt();
    }
    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head().split('\n')) {
            if (line.toLower().startsWith(name.toLower() + ": "))
                return line.mid(name.size() + 2).trimmed();
        }
        return {};
    }
    QByteArray body() const
    {
        const qsizetype end = m_received.indexOf("\r\n\r\n");
        return end < 0 ? QByteArray() : m_received.mid(end + 4);
    }

private:
    QByteArray head() const
    {
        const qsizetype end = m_received.indexOf("\r\n\r\n");
        return end < 0 ? QByteArray() : m_received.left(end);
    }

    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_closed = false;
};

QByteArray sampleExposition()
{
    OpenMetricsText text;
    text.family("jobconsole_scheduler_up", "gauge", "Up.");
    text.sample("jobconsole_scheduler_up", {}, "1");
    text.family("jobconsole_runs", "counter", "Runs.");
    text.sample("jobconsole_runs_total",
                {{"job", QStringLiteral("A \"quoted\" \\ job\nwith a line")},
                 {"outcome", QStringLiteral("succeeded")}},
                "3");
    return text.finish();
}

const QByteArray getMetrics = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";

MetricsListenAddress loopbackAnyPort()
{
    return MetricsListenAddress::parse(QStringLiteral("127.0.0.1:0")).value();
}

} // namespace

class tst_MetricsServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MetricsServer> serve(MetricsServer::Limits limits = {})
    {
        auto server = std::make_unique<MetricsServer>(limits);
        const auto listening = server->listen(loopbackAnyPort());
        if (!listening)
            qWarning() << listening.error();
        server->setSource(sampleExposition);
        return server;
    }

private slots:
    void answersGetMetrics()
    {
        const auto server = serve();
        QVERIFY(server->isListening());
        QCOMPARE(server->url(), QStringLiteral("http://127.0.0.1:%1/metrics").arg(server->port()));
        Client client(server->port());
        QVERIFY(client.waitConnected());
        client.send(getMetrics);
        QVERIFY(client.waitClosed()); // Connection: close, and closed
        QCOMPARE(client.status(), 200);
        QCOMPARE(client.header("Content-Type"),
                 QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8"));
        QCOMPARE(client.header("Connection"), QByteArray("close"));
        QCOMPARE(client.header("Content-Length").toLongLong(), qint64(client.body().size()));
        QCOMPARE(client.body(), sampleExposition());
        const auto parsed = parseOpenMetrics(client.body());
        QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
        QCOMPARE(parsed.value(
                     QStringLiteral("jobconsole_runs_total"),
                     {{QStringLiteral("job"), QStringLiteral("A \"quoted\" \\ job\nwith a line")},
                      {QStringLiteral("outcome"), QStringLiteral("succeeded")}}),
                 3.0);
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    void answersOtherRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("query string ignored")
            << QByteArray("GET /metrics?name[]=x HTTP/1.1\r\n\r\n") << 200;
        QTest::newRow("HTTP/1.0") << QByteArray("GET /metrics HTTP/1.0\r\n\r\n") << 200;
        QTest::newRow("root") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << 404;
        QTest::newRow("other path") << QByteArray("GET /metricsx HTTP/1.1\r\n\r\n") << 404;
        QTest::newRow("trailing slash") << QByteArray("GET /metrics/ HTTP/1.1\r\n\r\n") << 404;
        QTest::newRow("POST") << QByteArray(
                                     "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
                              << 404;
        QTest::newRow("HEAD") << QByteArray("HEAD /metrics HTTP/1.1\r\n\r\n") << 404;
        QTest::newRow("lower-case method") << QByteArray("get /metrics HTTP/1.1\r\n\r\n") << 404;
        QTest::newRow("no version") << QByteArray("GET /metrics\r\n\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET /metrics HTTP/2.0\r\n\r\n") << 400;
        QTest::newRow("two spaces") << QByteArray("GET  /metrics HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("bare LF in a header")
            << QByteArray("GET /metrics HTTP/1.1\r\nHost: x\nEvil: y\r\n\r\n") << 400;
        QTest::newRow("header without colon")
            << QByteArray("GET /metrics HTTP/1.1\r\nHost x\r\n\r\n") << 400;
        QTest::newRow("control character in the target")
            << QByteArray("GET /met\x01rics HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("binary junk") << QByteArray("\x16\x03\x01\x02\x00\r\n\r\n", 9) << 400;
    }
    void answersOtherRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const auto server = serve();
        Client client(server->port());
        QVERIFY(client.waitConnected());
        client.send(request);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.status(), status);
        QCOMPARE(client.header("Connection"), QByteArray("close"));
        if (status != 200)
            QVERIFY(!client.body().contains("jobconsole_"));
    }

    void withoutSourceAnswers503()
    {
        MetricsServer server;
        QVERIFY(server.listen(loopbackAnyPort()));
        Client client(server.port());
        QVERIFY(client.waitConnected());
        client.send(getMetrics);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.status(), 503);
    }

    // The head may be 8 KiB, empty line included; one byte more is 431, and closed, whether
    // it came at once or a byte at a time, with or without an empty line after it.
    void headLimit_data()
    {
        QTest::addColumn<int>("headBytes");
        QTest::addColumn<bool>("complete");
        QTest::addColumn<int>("status");
        QTest::newRow("exactly 8 KiB") << 8192 << true << 200;
        QTest::newRow("8 KiB + 1") << 8193 << true << 431;
        QTest::newRow("1 MiB") << 1024 * 1024 << true << 431;
        QTest::newRow("8 KiB, never ending") << 8192 << false << 431;
    }
    void headLimit()
    {
        QFETCH(int, headBytes);
        QFETCH(bool, complete);
        QFETCH(int, status);
        const auto server = serve();
        QByteArray head = "GET /metrics HTTP/1.1\r\nX-Pad: ";
        const QByteArray end = complete ? "\r\n\r\n" : "";
        head += QByteArray(headBytes - head.size() - end.size(), 'a') + end;
        QCOMPARE(head.size(), headBytes);
        Client client(server->port());
        QVERIFY(client.waitConnected());
        client.send(head);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.status(), status);
    }

    // A client that sends half a request and stalls holds its connection until the deadline,
    // and no longer; meanwhile another client is answered.
    void stalledClientIsClosedAtTheDeadline()
    {
        MetricsServer::Limits limits;
        limits.deadline = 300ms;
        const auto server = serve(limits);
        QElapsedTimer elapsed;
        elapsed.start();
        Client stalled(server->port());
        QVERIFY(stalled.waitConnected());
        stalled.send("GET /metr");
        Client other(server->port());
        QVERIFY(other.waitConnected());
        other.send(getMetrics);
        QVERIFY(other.waitClosed());
        QCOMPARE(other.status(), 200);
        QVERIFY2(!stalled.isClosed() || elapsed.elapsed() >= 300,
                 "the stalled client was closed before its deadline");
        QVERIFY(stalled.waitClosed(5000));
        QVERIFY2(elapsed.elapsed() >= 250, qPrintable(QString::number(elapsed.elapsed())));
        QCOMPARE(stalled.received(), QByteArray()); // closed without an answer
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    // A client that never reads a large answer cannot keep its connection past the deadline.
    void clientThatNeverReadsIsClosedAtTheDeadline()
    {
        MetricsServer::Limits limits;
        limits.deadline = 300ms;
        const auto server = serve(limits);
        const QByteArray big = QByteArray(16 * 1024 * 1024, '#');
        server->setSource([&big] { return big; });
        QTcpSocket client;
        client.setReadBufferSize(1); // reads (almost) nothing
        client.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(client.waitForConnected(5000));
        client.write(getMetrics);
        client.flush();
        QTRY_COMPARE(server->connectionCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 0, 5000);
    }

    // Beyond the connection limit, a connection is answered 503 and closed at once; when a
    // connection ends, there is room again.
    void connectionLimit()
    {
        MetricsServer::Limits limits;
        limits.maxConnections = 3;
        const auto server = serve(limits);
        std::vector<std::unique_ptr<Client>> stalled;
        for (int i = 0; i < limits.maxConnections; ++i) {
            stalled.push_back(std::make_unique<Client>(server->port()));
            QVERIFY(stalled.back()->waitConnected());
            stalled.back()->send("GET ");
        }
        QTRY_COMPARE(server->connectionCount(), limits.maxConnections);
        Client refused(server->port());
        QVERIFY(refused.waitConnected());
        refused.send(getMetrics);
        QVERIFY(refused.waitClosed());
        QCOMPARE(refused.status(), 503);
        QCOMPARE(server->connectionCount(), limits.maxConnections);

        stalled.front()->close();
        QTRY_COMPARE(server->connectionCount(), limits.maxConnections - 1);
        Client admitted(server->port());
        QVERIFY(admitted.waitConnected());
        admitted.send(getMetrics);
        QVERIFY(admitted.waitClosed());
        QCOMPARE(admitted.status(), 200);
    }

    void listenFailures()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const QString address = QStringLiteral("127.0.0.1:%1").arg(taken.serverPort());
        MetricsServer server;
        const auto inUse = server.listen(MetricsListenAddress::parse(address).value());
        QVERIFY(!inUse);
        QCOMPARE(inUse.error(),
                 QStringLiteral("cannot listen on %1: address in use; choose another port")
                     .arg(address));
        QVERIFY(!server.isListening());
        QCOMPARE(server.url(), QString());

        // 192.0.2.1 (TEST-NET-1) is no address of this machine.
        const auto foreign =
            server.listen(MetricsListenAddress::parse(QStringLiteral("192.0.2.1:9100")).value());
        QVERIFY(!foreign);
        QVERIFY2(foreign.error().startsWith(QStringLiteral(
                     "cannot listen on 192.0.2.1:9100: not an address of this machine")),
                 qPrintable(foreign.error()));
    }

    void parsesListenAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("hostAndPort"); // empty: refused
        QTest::addColumn<QString>("error");
        QTest::newRow("IPv4") << "127.0.0.1:9100"
                              << "127.0.0.1:9100" << QString();
        QTest::newRow("any IPv4") << "0.0.0.0:9100"
                                  << "0.0.0.0:9100" << QString();
        QTest::newRow("port 0") << "127.0.0.1:0"
                                << "127.0.0.1:0" << QString();
        QTest::newRow(":PORT is loopback") << ":9100"
                                           << "127.0.0.1:9100" << QString();
        QTest::newRow("PORT is loopback") << "9100"
                                          << "127.0.0.1:9100" << QString();
        QTest::newRow("localhost") << "localhost:9100"
                                   << "127.0.0.1:9100" << QString();
        QTest::newRow("IPv6") << "[::1]:9100"
                              << "[::1]:9100" << QString();
        QTest::newRow("largest port") << "[::]:65535"
                                      << "[::]:65535" << QString();
        QTest::newRow("nonsense") << "nonsense" << QString()
                                  << "\"nonsense\" is not HOST:PORT (e.g. 127.0.0.1:9100, "
                                     "[::1]:9100 or :9100)";
        QTest::newRow("port too large")
            << "127.0.0.1:99999" << QString() << "port 99999 is out of range 0-65535";
        QTest::newRow("no port") << "127.0.0.1:" << QString() << "is not HOST:PORT";
        QTest::newRow("empty") << "" << QString() << "is not HOST:PORT";
        QTest::newRow("host name")
            << "metrics.example.org:9100" << QString()
            << "\"metrics.example.org\" is not an IPv4 address (write IPv6 as [::1]; of the "
               "host names only localhost is taken)";
        QTest::newRow("short IPv4") << "1.2.3:80" << QString() << "is not an IPv4 address";
        QTest::newRow("IPv6 without brackets") << "::1:9100" << QString() << "is not HOST:PORT";
        QTest::newRow("bad IPv6") << "[::g]:9100" << QString() << "is not HOST:PORT";
        QTest::newRow("IPv4 in brackets")
            << "[127.0.0.1]:80" << QString() << "\"127.0.0.1\" is not an IPv6 address";
        QTest::newRow("negative port") << "127.0.0.1:-1" << QString() << "is not HOST:PORT";
    }
    void parsesListenAddresses()
    {
        QFETCH(QString, text);
        QFETCH(QString, hostAndPort);
        QFETCH(QString, error);
        const auto parsed = MetricsListenAddress::parse(text);
        if (hostAndPort.isEmpty()) {
            QVERIFY(!parsed);
            QVERIFY2(parsed.error().contains(error), qPrintable(parsed.error()));
            return;
        }
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error()));
        QCOMPARE(parsed->hostAndPort(), hostAndPort);
    }

    // The test's own parser refuses what Prometheus would: it is the judge of the other tests.
    void parserRefusesInvalidText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("no EOF") << QByteArray("# TYPE a gauge\na 1\n");
        QTest::newRow("no TYPE") << QByteArray("a 1\n# EOF\n");
        QTest::newRow("wrong suffix") << QByteArray("# TYPE a counter\na 1\n# EOF\n");
        QTest::newRow("bad escape") << QByteArray("# TYPE a gauge\na{x=\"\\t\"} 1\n# EOF\n");
        QTest::newRow("not a number") << QByteArray("# TYPE a gauge\na one\n# EOF\n");
        QTest::newRow("interleaved")
            << QByteArray("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n");
        QTest::newRow("repeated") << QByteArray("# TYPE a gauge\na 1\na 2\n# EOF\n");
        QTest::newRow("after EOF") << QByteArray("# TYPE a gauge\na 1\n# EOF\nb 1\n");
    }
    void parserRefusesInvalidText()
    {
        QFETCH(QByteArray, text);
        QVERIFY(!parseOpenMetrics(text).error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_MetricsServer)
#include "tst_metricsserver.moc"
