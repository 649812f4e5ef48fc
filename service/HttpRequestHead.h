#pragma once

#include <QByteArray>

#include <optional>

namespace jc {

// The head of one HTTP/1.x request, read strictly: what MetricsServer needs to answer it and
// nothing more. A head is the request line and header lines, each ending in CRLF, and an
// empty line. Only the request line is interpreted (METHOD SP TARGET SP HTTP/1.0 or 1.1);
// header lines must look like "name: value" but are not used, since every answer closes the
// connection and no request is read past its head (a body, if any, is never read).
struct HttpRequestHead
{
    QByteArray method; // "GET"
    QByteArray path;   // the target without its query: "/metrics"

    // Where the head in `buffer` ends (the index just past its empty line), or nullopt while
    // the empty line has not arrived.
    static std::optional<qsizetype> endOf(const QByteArray &buffer);

    // The head `head` (through its empty line, as endOf() delimits it); nullopt when it is not
    // a well-formed HTTP/1.0 or 1.1 request head (answered 400).
    static std::optional<HttpRequestHead> parse(const QByteArray &head);
};

} // namespace jc
