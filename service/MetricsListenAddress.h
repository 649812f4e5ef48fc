#pragma once

#include "common/Expected.h"

#include <QHostAddress>
#include <QString>

namespace jc {

// Where `jobctl serve --metrics` listens, from what the admin typed:
//   127.0.0.1:9100, 0.0.0.0:9100, [::1]:9100, [::]:9100  an IP literal and a port;
//   localhost:9100                                         127.0.0.1;
//   :9100 or 9100                                          loopback (127.0.0.1): metrics
//                                                          are not for the network unless
//                                                          an address says so.
// The port is 0-65535; 0 means "any free port" (the one chosen is in the URL once listening).
// Host names other than localhost are refused: resolving one could block start-up and could
// give several addresses; an admin who wants the network types the interface's address.
// Errors are messages a person can act on, without the option's name (the caller adds it).
class MetricsListenAddress
{
public:
    static Expected<MetricsListenAddress, QString> parse(const QString &text);

    const QHostAddress &host() const { return m_host; }
    quint16 port() const { return m_port; }

    // "127.0.0.1:9100" or "[::1]:9100", with `port` instead of the parsed one when given
    // (the port chosen for 0).
    QString hostAndPort(int port = -1) const;

private:
    MetricsListenAddress(const QHostAddress &host, quint16 port);

    QHostAddress m_host;
    quint16 m_port = 0;
};

} // namespace jc
