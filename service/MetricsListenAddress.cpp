#include "service/MetricsListenAddress.h"

#include <QRegularExpression>

namespace jc {

namespace {

QString usage(const QString &text)
{
    return QStringLiteral("\"%1\" is not HOST:PORT (e.g. 127.0.0.1:9100, [::1]:9100 or :9100)")
        .arg(text);
}

} // namespace

MetricsListenAddress::MetricsListenAddress(const QHostAddress &host, quint16 port)
    : m_host(host)
    , m_port(port)
{}

Expected<MetricsListenAddress, QString> MetricsListenAddress::parse(const QString &text)
{
    // host: empty, an IPv4 literal or name without ':', or [IPv6]; port: digits.
    static const QRegularExpression form(
        QStringLiteral(R"(^(?:(?:\[([0-9A-Fa-f:.]+)\]|([^:\[\]\s]*)):)?([0-9]{1,6})$)"));
    const QRegularExpressionMatch match = form.match(text);
    if (!match.hasMatch())
        return Unexpected(usage(text));
    const uint port = match.captured(3).toUInt();
    if (port > 65535)
        return Unexpected(QStringLiteral("port %1 is out of range 0-65535").arg(match.captured(3)));
    const QString v6 = match.captured(1);
    const QString name = match.captured(2);
    QHostAddress host(QHostAddress::LocalHost);
    if (!v6.isEmpty()) {
        if (!host.setAddress(v6) || host.protocol() != QAbstractSocket::IPv6Protocol)
            return Unexpected(QStringLiteral("\"%1\" is not an IPv6 address").arg(v6));
    } else if (!name.isEmpty() &&
               name.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) != 0) {
        // Dotted quads only: QHostAddress also takes inet_aton's "127.1", which nobody means.
        static const QRegularExpression dottedQuad(
            QStringLiteral(R"(^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$)"));
        if (!dottedQuad.match(name).hasMatch() || !host.setAddress(name))
            return Unexpected(QStringLiteral("\"%1\" is not an IPv4 address (write IPv6 as "
                                             "[::1]; of the host names only localhost is taken)")
                                  .arg(name));
    }
    return MetricsListenAddress(host, quint16(port));
}

QString MetricsListenAddress::hostAndPort(int port) const
{
    const QString number = QString::number(port >= 0 ? port : m_port);
    if (m_host.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(m_host.toString(), number);
    return m_host.toString() + u':' + number;
}

} // namespace jc
