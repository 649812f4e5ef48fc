// UploadReferenceSet without a database: which upload paths one source row's text keeps
// alive. Reading rows from both databases is covered by tst_orphaneduploadscleanup.
#include "jobs/UploadReferenceSet.h"

#include <QElapsedTimer>
#include <QTest>

using namespace jc;

class tst_UploadReferenceSet : public QObject
{
    Q_OBJECT

private slots:
    void row_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        const auto row = [](const char *name, const char *text, const QStringList &expected) {
            QTest::newRow(name) << QString::fromUtf8(text) << expected;
        };
        row("image block",
            "{\"content\": \"/static/uploads/2025/11/17/a.png\", \"caption\": \"x\"}",
            {QStringLiteral("2025/11/17/a.png")});
        row("own absolute URL",
            "{\"content\": \"https://game.example.org/static/uploads/2025/11/17/a.png\"}",
            {QStringLiteral("2025/11/17/a.png")});
        row("external URL with the same name",
            "{\"content\": \"https://cdn.example.com/static/uploads/2025/11/17/a.png\"}", {});
        row("markdown with several URLs",
            "{\"text\": \"![one](/static/uploads/2025/11/17/a.png \\\"t\\\") and "
            "![two](https://game.example.org/static/uploads/2025/11/18/b.JPG?w=2). See "
            "/static/uploads/2025/11/19/c.png.\"}",
            {QStringLiteral("2025/11/17/a.png"), QStringLiteral("2025/11/18/b.JPG"),
             QStringLiteral("2025/11/19/c.png")});
        row("markdown: external beside local",
            "{\"text\": \"[x](https://cdn.example.com/static/uploads/1/x.png) "
            "[y](/static/uploads/1/y.png) end\"}",
            {QStringLiteral("1/y.png")});
        row("text: external beside local",
            "{\"text\": \"a https://cdn.example.com/static/uploads/1/x.png b "
            "/static/uploads/1/y.png\"}",
            {QStringLiteral("1/y.png")});
        row("HTML attribute", "{\"html\": \"<img src=\\\"/static/uploads/1/a.png\\\">\"}",
            {QStringLiteral("1/a.png")});
        row("nested objects and arrays",
            "{\"a\": [{\"b\": {\"c\": [\"/static/uploads/1/deep.png\"]}}], \"n\": 3, \"t\": true}",
            {QStringLiteral("1/deep.png")});
        row("player photos",
            "{\"images\": [\"/static/uploads/1/p1.jpg\", \"/static/uploads/1/p2.jpg\"]}",
            {QStringLiteral("1/p1.jpg"), QStringLiteral("1/p2.jpg")});
        row("space in a whole-value URL", "{\"content\": \"/static/uploads/1/my photo (1).png\"}",
            {QStringLiteral("1/my photo (1).png")});
        row("escaped slashes in JSON", "{\"content\": \"\\/static\\/uploads\\/1\\/e.png\"}",
            {QStringLiteral("1/e.png")});
        row("malformed JSON still scanned",
            "{\"content\": \"/static/uploads/1/broken.png\", \"caption\": ",
            {QStringLiteral("1/broken.png")});
        row("malformed JSON with escaped slashes",
            "{\"content\": \"\\/static\\/uploads\\/1\\/b.png\",", {QStringLiteral("1/b.png")});
        row("plain text, not JSON", "see /static/uploads/1/t.png", {QStringLiteral("1/t.png")});
        row("dot-dot escaping", "{\"content\": \"/static/uploads/../../../etc/passwd\"}", {});
        row("file URL", "{\"content\": \"file:///static/uploads/1/a.png\"}", {});
        row("nothing about uploads", "{\"content\": \"hello\"}", {});
    }

    void row()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        UploadReferenceSet set(UploadUrl(QStringLiteral("https://game.example.org")));
        set.addRow(text);
        for (const QString &path : expected)
            QVERIFY2(set.contains(path), qPrintable(path));
        // Never an external or escaping path; at most a harmless variant of an expected one
        // ("c.png." beside "c.png", from text where a sentence ends with a URL).
        QVERIFY(!set.contains(QStringLiteral("1/x.png")));
        QVERIFY(!set.contains(QStringLiteral("2025/11/17/a.png")) ||
                expected.contains(QStringLiteral("2025/11/17/a.png")));
        if (expected.isEmpty())
            QCOMPARE(set.size(), 0);
    }

    // Hostile content: an enormous value made only of hits costs linear time and keeps
    // nothing outside the root.
    void enormousValue()
    {
        QString text = QStringLiteral("{\"x\": \"");
        for (int i = 0; i < 100000; ++i)
            text += QStringLiteral("/static/uploads/../");
        text += QStringLiteral("\"}");
        UploadReferenceSet set;
        QElapsedTimer timer;
        timer.start();
        set.addRow(text);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(set.size(), 0);
    }

    void sourceNames()
    {
        QVERIFY(UploadReferenceSet::isValidSource(QStringLiteral("blocks.data")));
        QVERIFY(UploadReferenceSet::isValidSource(QStringLiteral("team_block_states.player_data")));
        QVERIFY(!UploadReferenceSet::isValidSource(QStringLiteral("blocks")));
        QVERIFY(!UploadReferenceSet::isValidSource(QStringLiteral("blocks.data; DROP TABLE x")));
        QVERIFY(!UploadReferenceSet::isValidSource(QStringLiteral("a.b.c")));
    }
};

QTEST_GUILESS_MAIN(tst_UploadReferenceSet)
#include "tst_uploadreferenceset.moc"
