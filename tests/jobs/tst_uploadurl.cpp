// UploadUrl: which URLs name a local upload, and which path under the uploads root. Each row
// reads as a rule of DOMAIN.md ("Orphaned Uploads Cleanup"); an empty expectation means
// "not local" (never keeps a file alive).
#include "jobs/UploadUrl.h"

#include <QTest>

using namespace jc;

namespace {

const QString site = QStringLiteral("https://game.example.org");
const QString notLocal;

} // namespace

class tst_UploadUrl : public QObject
{
    Q_OBJECT

private slots:
    void relativePath_data()
    {
        QTest::addColumn<QString>("siteUrl");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        const auto row = [](const char *name, const QString &siteUrl, const QString &url,
                            const QString &expected) {
            QTest::newRow(name) << siteUrl << url << expected;
        };
        const QString file = QStringLiteral("2025/11/17/a.png");
        const QString rel = QStringLiteral("/static/uploads/2025/11/17/a.png");
        const QString abs = site + rel;

        row("site-relative", site, rel, file);
        row("site-relative without SITE_URL", QString(), rel, file);
        row("own absolute", site, abs, file);
        row("own absolute, explicit default port", site,
            QStringLiteral("https://game.example.org:443") + rel, file);
        row("own absolute, host in capitals", site,
            QStringLiteral("HTTPS://Game.Example.ORG") + rel, file);
        row("own network-path reference", site, QStringLiteral("//game.example.org") + rel, file);
        row("absolute without SITE_URL", QString(), abs, notLocal);
        row("other scheme", site, QStringLiteral("http://game.example.org") + rel, notLocal);
        row("other port", site, QStringLiteral("https://game.example.org:8443") + rel, notLocal);
        row("external, same file name", site, QStringLiteral("https://cdn.example.com") + rel,
            notLocal);
        row("external network-path", site, QStringLiteral("//cdn.example.com") + rel, notLocal);
        row("host suffix trick", site, QStringLiteral("https://game.example.org.evil.com") + rel,
            notLocal);
        row("user-info trick", site, QStringLiteral("https://game.example.org@evil.com") + rel,
            notLocal);
        row("query string", site, rel + QStringLiteral("?w=300&h=200"), file);
        row("fragment", site, abs + QStringLiteral("#top"), file);
        row("query and fragment", site, rel + QStringLiteral("?v=2#x"), file);
        row("surrounding white space", site, QStringLiteral("  ") + rel + QStringLiteral("\n"),
            file);
        row("upper-case extension kept", site, QStringLiteral("/static/uploads/2025/11/17/B.JPG"),
            QStringLiteral("2025/11/17/B.JPG"));
        row("percent-encoded space", site,
            QStringLiteral("/static/uploads/2025/11/17/my%20photo.png"),
            QStringLiteral("2025/11/17/my photo.png"));
        row("percent-encoded percent", site,
            QStringLiteral("/static/uploads/2025/11/17/100%25.png"),
            QStringLiteral("2025/11/17/100%.png"));
        row("underscore", site, QStringLiteral("/static/uploads/2025/11/17/a_b.png"),
            QStringLiteral("2025/11/17/a_b.png"));
        row("non-ASCII, encoded", site, QStringLiteral("/static/uploads/2025/11/17/caf%C3%A9.png"),
            QStringLiteral("2025/11/17/caf\u00e9.png"));
        row("non-ASCII, literal", site, QStringLiteral("/static/uploads/2025/11/17/\u00fcber.png"),
            QStringLiteral("2025/11/17/\u00fcber.png"));
        row("non-ASCII, decomposed becomes NFC", site,
            QStringLiteral("/static/uploads/2025/11/17/cafe%CC%81.png"),
            QStringLiteral("2025/11/17/caf\u00e9.png"));
        row("invalid UTF-8", site, QStringLiteral("/static/uploads/2025/11/17/%FF%FE.png"),
            notLocal);
        row("NUL byte", site, QStringLiteral("/static/uploads/2025/11/17/a.png%00.txt"), notLocal);
        row("dot segments resolved", site,
            QStringLiteral("/static/uploads/2025/11/./../11/17/a.png"), file);
        row("empty segments dropped", site, QStringLiteral("/static/uploads//2025//11/17/a.png"),
            file);
        row("dot-dot escaping the root", site, QStringLiteral("/static/uploads/../../etc/passwd"),
            notLocal);
        row("encoded dot-dot escaping the root", site,
            QStringLiteral("/static/uploads/%2e%2e/%2E%2E/etc/passwd"), notLocal);
        row("dot-dot to a sibling of the root", site,
            QStringLiteral("/static/uploads/../uploads-old/a.png"), notLocal);
        row("dot-dot inside the root", site, QStringLiteral("/static/uploads/2025/../x.png"),
            QStringLiteral("x.png"));
        row("the root itself", site, QStringLiteral("/static/uploads/"), notLocal);
        row("no leading slash", site, QStringLiteral("static/uploads/2025/11/17/a.png"), notLocal);
        row("path case differs", site, QStringLiteral("/Static/uploads/2025/11/17/a.png"),
            notLocal);
        row("file URL", site, QStringLiteral("file:///static/uploads/2025/11/17/a.png"), notLocal);
        row("absolute file-system path", site, QStringLiteral("/etc/passwd"), notLocal);
        row("data URL", site, QStringLiteral("data:image/png;base64,iVBORw0KGgo="), notLocal);
        row("javascript URL", site, QStringLiteral("javascript:/static/uploads/a.png"), notLocal);
        row("empty", site, QString(), notLocal);
        row("enormous", site, rel + QString(UploadUrl::maximumLength, u'a'), notLocal);

        const QString prefixed = QStringLiteral("https://example.org/game");
        row("prefix: own absolute", prefixed,
            QStringLiteral("https://example.org/game/static/uploads/a.png"),
            QStringLiteral("a.png"));
        row("prefix: absolute without the prefix", prefixed,
            QStringLiteral("https://example.org/static/uploads/a.png"), notLocal);
        row("prefix: site-relative with the prefix", prefixed,
            QStringLiteral("/game/static/uploads/a.png"), QStringLiteral("a.png"));
        row("prefix: site-relative without it", prefixed, QStringLiteral("/static/uploads/a.png"),
            QStringLiteral("a.png"));
        row("port: own", QStringLiteral("http://localhost:8080"),
            QStringLiteral("http://localhost:8080/static/uploads/a.png"), QStringLiteral("a.png"));
        row("port: default port is another", QStringLiteral("http://localhost:8080"),
            QStringLiteral("http://localhost/static/uploads/a.png"), notLocal);
    }

    void relativePath()
    {
        QFETCH(QString, siteUrl);
        QFETCH(QString, url);
        QFETCH(QString, expected);
        const auto path = UploadUrl(siteUrl).relativePath(url);
        QCOMPARE(path.value_or(QString()), expected);
        QCOMPARE(path.has_value(), !expected.isEmpty());
    }

    void normalisedFilePathIsNfc()
    {
        QCOMPARE(UploadUrl::normalisedFilePath(QStringLiteral("2025/cafe\u0301.png")),
                 QStringLiteral("2025/caf\u00e9.png"));
        QCOMPARE(UploadUrl::normalisedFilePath(QStringLiteral("2025/a.png")),
                 QStringLiteral("2025/a.png"));
    }
};

QTEST_GUILESS_MAIN(tst_UploadUrl)
#include "tst_uploadurl.moc"
