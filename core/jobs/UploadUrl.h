#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace jc {

// Decides whether one URL names a local upload, and which one (DOMAIN.md, "Orphaned Uploads
// Cleanup"). Local means site-relative under `/static/uploads/` (or under SITE_URL's path
// prefix followed by `/static/uploads/`), or absolute with exactly SITE_URL's scheme, host,
// port (default ports count as given) and path prefix. Every other URL — another host, a
// `file://` or `data:` URL, a relative path without a leading slash, anything when it is not
// valid — is "not local": it never keeps a file alive.
//
// The answer is the path under the uploads root, normalised: query string and fragment cut
// off, percent-encoding decoded (must be UTF-8), empty and `.` segments dropped, `..`
// resolved; a URL whose `..` climbs above `/static/uploads/` is not local, so the answer can
// never name anything outside the root. Non-ASCII text is in Unicode NFC, as
// normalisedFilePath() gives for names found on disk, so the two compare equal.
//
// Immutable after construction; any thread.
class UploadUrl
{
public:
    // `siteUrl` empty: only site-relative URLs are local. The caller has validated it as
    // an absolute http(s) URL (SettingSpec::Kind::Url).
    explicit UploadUrl(const QString &siteUrl = {});

    // "2025/11/17/<uuid>.png", or nothing when `url` is not a local upload.
    [[nodiscard]] std::optional<QString> relativePath(QStringView url) const;

    // The form relativePath() gives for a path found under the root ("2025/11/17/a.png").
    static QString normalisedFilePath(const QString &relative);

    // Longer URLs are not local: no real upload URL comes near, and hostile data cannot
    // make the job spend its time on one value.
    static constexpr qsizetype maximumLength = 4096;

private:
    std::optional<QString> pathOf(QStringView url, bool *absolute) const;
    [[nodiscard]] std::optional<QString> cleanPath(const QString &path, bool absolute) const;
    [[nodiscard]] bool isOwnAuthority(QStringView scheme, QStringView authority) const;

    QString m_scheme;     // lower case; empty without SITE_URL
    QString m_host;       // lower case
    int m_port = -1;      // explicit or the scheme's default
    QStringList m_prefix; // SITE_URL's path segments ("app" for https://x.org/app)
    QString m_ownRoot = QStringLiteral("/static/uploads/"); // "/app/static/uploads/"
};

} // namespace jc
