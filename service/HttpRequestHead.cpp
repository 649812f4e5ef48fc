#include "service/HttpRequestHead.h"

#include <QList>

#include <algorithm>

namespace jc {

namespace {

// RFC 9110 "token" characters, which a method and a header name consist of.
bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    static const QByteArray punctuation("!#$%&'*+-.^_`|~");
    return std::all_of(text.cbegin(), text.cend(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               punctuation.contains(c);
    });
}

// Visible ASCII only: no spaces, no controls, nothing past 0x7E.
bool isVisible(const QByteArray &text)
{
    return !text.isEmpty() &&
           std::all_of(text.cbegin(), text.cend(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool isHeaderLine(const QByteArray &line)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0 || !isToken(line.left(colon)))
        return false;
    return std::none_of(line.cbegin() + colon, line.cend(),
                        [](char c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; });
}

// `text` split at each CRLF.
QList<QByteArray> linesOf(const QByteArray &text)
{
    QList<QByteArray> lines;
    qsizetype from = 0;
    for (;;) {
        const qsizetype end = text.indexOf("\r\n", from);
        lines.append(text.mid(from, end < 0 ? -1 : end - from));
        if (end < 0)
            return lines;
        from = end + 2;
    }
}

} // namespace

std::optional<qsizetype> HttpRequestHead::endOf(const QByteArray &buffer)
{
    const qsizetype blank = buffer.indexOf("\r\n\r\n");
    if (blank < 0)
        return std::nullopt;
    return blank + 4;
}

std::optional<HttpRequestHead> HttpRequestHead::parse(const QByteArray &head)
{
    if (!head.endsWith("\r\n\r\n"))
        return std::nullopt;
    const QList<QByteArray> lines = linesOf(head.chopped(4));
    // A bare CR or LF inside a line is malformed: lenient readers disagree about it, which
    // is what request smuggling feeds on.
    if (std::any_of(lines.cbegin(), lines.cend(), [](const QByteArray &line) {
            return line.contains('\r') || line.contains('\n');
        }))
        return std::nullopt;
    const QList<QByteArray> parts = lines.constFirst().split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || !isVisible(parts.at(1)) ||
        (parts.at(2) != "HTTP/1.1" && parts.at(2) != "HTTP/1.0"))
        return std::nullopt;
    if (!std::all_of(lines.cbegin() + 1, lines.cend(), isHeaderLine))
        return std::nullopt;
    const QByteArray &target = parts.at(1);
    const qsizetype query = target.indexOf('?');
    return HttpRequestHead{parts.at(0), query < 0 ? target : target.left(query)};
}

} // namespace jc
