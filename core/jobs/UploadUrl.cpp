#include "jobs/UploadUrl.h"

#include <QStringDecoder>
#include <QStringList>
#include <QUrl>

namespace jc {

namespace {

int defaultPort(QStringView scheme)
{
    if (scheme.compare(u"https", Qt::CaseInsensitive) == 0)
        return 443;
    if (scheme.compare(u"http", Qt::CaseInsensitive) == 0)
        return 80;
    return -1;
}

// The length of a leading "scheme:" (without the colon), or 0.
qsizetype schemeLength(QStringView url)
{
    if (url.isEmpty() || !url.front().isLetter() || url.front().unicode() > 0x7f)
        return 0;
    for (qsizetype i = 1; i < url.size(); ++i) {
        const char16_t c = url[i].unicode();
        if (c == u':')
            return i;
        const bool schemeChar = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') ||
                                (c >= u'0' && c <= u'9') || c == u'+' || c == u'-' || c == u'.';
        if (!schemeChar)
            return 0;
    }
    return 0;
}

// Percent-decodes `path`; nothing when the bytes are not UTF-8 or hold a NUL.
std::optional<QString> decoded(QStringView path)
{
    if (!path.contains(u'%'))
        return path.toString();
    const QByteArray bytes = QByteArray::fromPercentEncoding(path.toUtf8());
    if (bytes.contains('\0'))
        return std::nullopt;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

// Resolves `.`, `..` and empty segments; nothing when `..` climbs above the start.
std::optional<QStringList> resolvedSegments(const QString &path)
{
    QStringList segments;
    for (const QStringView segment : QStringView(path).split(u'/')) {
        if (segment.isEmpty() || segment == u".")
            continue;
        if (segment == u"..") {
            if (segments.isEmpty())
                return std::nullopt;
            segments.removeLast();
            continue;
        }
        segments.append(segment.toString());
    }
    return segments;
}

} // namespace

UploadUrl::UploadUrl(const QString &siteUrl)
{
    if (siteUrl.trimmed().isEmpty())
        return;
    const QUrl url(siteUrl.trimmed());
    m_scheme = url.scheme().toLower();
    m_host = url.host().toLower();
    m_port = url.port(defaultPort(m_scheme));
    m_prefix = url.path().split(u'/', Qt::SkipEmptyParts);
    m_ownRoot = (m_prefix.isEmpty() ? QString() : u'/' + m_prefix.join(u'/')) +
                QStringLiteral("/static/uploads/");
}

QString UploadUrl::normalisedFilePath(const QString &relative)
{
    for (const QChar c : relative) {
        if (c.unicode() > 0x7f)
            return relative.normalized(QString::NormalizationForm_C);
    }
    return relative;
}

bool UploadUrl::isOwnAuthority(QStringView scheme, QStringView authority) const
{
    if (m_host.isEmpty() || scheme.compare(m_scheme, Qt::CaseInsensitive) != 0)
        return false;
    if (const qsizetype at = authority.lastIndexOf(u'@'); at >= 0)
        authority = authority.mid(at + 1);
    QStringView host = authority;
    QStringView port;
    const qsizetype bracket = authority.lastIndexOf(u']');
    const qsizetype colon = authority.lastIndexOf(u':');
    if (colon > bracket) {
        host = authority.left(colon);
        port = authority.mid(colon + 1);
    }
    int portNumber = defaultPort(scheme);
    if (!port.isEmpty()) {
        bool ok = false;
        portNumber = port.toInt(&ok);
        if (!ok)
            return false;
    }
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QStringView ownHost = m_host;
    if (ownHost.startsWith(u'[') && ownHost.endsWith(u']'))
        ownHost = ownHost.mid(1, ownHost.size() - 2);
    return portNumber == m_port && host.compare(ownHost, Qt::CaseInsensitive) == 0;
}

// The still-encoded path of a URL on this site ("/static/uploads/..."), or nothing;
// `absolute` tells whether it named the site's address.
std::optional<QString> UploadUrl::pathOf(QStringView url, bool *absolute) const
{
    QStringView scheme = m_scheme;
    QStringView rest = url;
    if (const qsizetype length = schemeLength(url); length > 0) {
        scheme = url.left(length);
        rest = url.mid(length + 1);
        if (!rest.startsWith(u"//")) // "data:...", "mailto:...": never a local upload
            return std::nullopt;
    }
    if (rest.startsWith(u"//")) { // absolute, or network-path ("//host/...")
        rest = rest.mid(2);
        const qsizetype slash = rest.indexOf(u'/');
        if (slash < 0 || !isOwnAuthority(scheme, rest.left(slash)))
            return std::nullopt;
        *absolute = true;
        return rest.mid(slash).toString();
    }
    if (!rest.startsWith(u'/'))
        return std::nullopt;
    *absolute = false;
    return rest.toString();
}

// The common case without decoding or splitting: a path with nothing to decode or resolve
// ("/static/uploads/2025/11/17/a.png"). Nothing when the full treatment is needed.
std::optional<QString> UploadUrl::cleanPath(const QString &path, bool absolute) const
{
    if (path.contains(u'%') || path.contains(u"/.") || path.contains(u"//") || path.endsWith(u'/'))
        return std::nullopt;
    for (const QString &root : {m_ownRoot, QStringLiteral("/static/uploads/")}) {
        if (path.size() > root.size() && path.startsWith(root))
            return normalisedFilePath(path.mid(root.size()));
        if (absolute)
            break; // an absolute URL is under SITE_URL's own path only
    }
    return std::nullopt;
}

std::optional<QString> UploadUrl::relativePath(QStringView url) const
{
    if (url.size() > maximumLength)
        return std::nullopt;
    url = url.trimmed();
    if (const qsizetype end = url.indexOf(u'?'); end >= 0)
        url = url.left(end);
    if (const qsizetype end = url.indexOf(u'#'); end >= 0)
        url = url.left(end);
    bool absolute = false;
    const auto path = pathOf(url, &absolute);
    if (!path)
        return std::nullopt;
    if (auto fast = cleanPath(*path, absolute))
        return fast;
    const auto text = decoded(*path);
    if (!text)
        return std::nullopt;
    const auto segments = resolvedSegments(*text);
    if (!segments)
        return std::nullopt;
    // An absolute URL carries SITE_URL's path prefix; a site-relative one may too
    // ("/app/static/uploads/..." beside "/static/uploads/...").
    const QList<QStringList> prefixes =
        absolute ? QList<QStringList>{m_prefix} : QList<QStringList>{m_prefix, {}};
    for (const QStringList &prefix : prefixes) {
        const qsizetype head = prefix.size() + 2;
        if (segments->size() <= head)
            continue;
        if (segments->mid(0, prefix.size()) != prefix || segments->at(prefix.size()) != u"static" ||
            segments->at(prefix.size() + 1) != u"uploads")
            continue;
        return normalisedFilePath(segments->mid(head).join(u'/'));
    }
    return std::nullopt;
}

} // namespace jc
