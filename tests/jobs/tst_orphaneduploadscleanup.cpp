// The Orphaned Uploads Cleanup job on both databases, with a real uploads tree in a
// temporary folder: what is deleted, what is kept and why, and what is never touched.
// File ages are set with QFile::setFileTime against a fixed `now`: no sleeps.
#include "TestDatabases.h"

#include "engine/JobContext.h"
#include "engine/JobLogCategory.h"
#include "engine/RunState.h"
#include "jobs/JobCatalog.h"
#include "jobs/OrphanedUploadsCleanupJob.h"
#include "jobs/RunSummaryText.h"
#include "jobs/UploadReferenceSet.h"
#include "jobs/UploadTreeSweeper.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace jc;
using namespace std::chrono_literals;

namespace {

using Job = OrphanedUploadsCleanupJob;

const QDateTime now = QDateTime(QDate(2026, 1, 15), QTime(10, 0), QTimeZone::utc());
const QString site = QStringLiteral("https://game.example.org");

QString uploadUrl(const QString &relative)
{
    return QStringLiteral("/static/uploads/") + relative;
}

// One test row's world: a migrated app database, an uploads root and a place outside it.
class World
{
public:
    explicit World(SqlDialect dialect)
        : database(dialect)
    {
        if (!database.isReady())
            return;
        factory = std::make_shared<ConnectionFactory>(database.url());
        auto db = factory->connectionForCurrentThread();
        ready = db && Migrator().migrate(db.value()).hasValue() && folder.isValid() &&
                QDir(folder.path()).mkpath(QStringLiteral("uploads")) &&
                QDir(folder.path()).mkpath(QStringLiteral("outside"));
        settings.uploadsDir = root();
        settings.siteUrl = site;
    }

    QString root() const { return folder.filePath(QStringLiteral("uploads")); }
    QString outside() const { return folder.filePath(QStringLiteral("outside")); }
    QString at(const QString &relative) const { return root() + u'/' + relative; }
    bool exists(const QString &relative) const { return QFileInfo::exists(at(relative)); }

    // A file of `bytes` bytes, last modified `age` before `now`.
    bool addFile(const QString &relative, std::chrono::hours age = 48h, int bytes = 10)
    {
        const QString path = at(relative);
        if (!QDir().mkpath(QFileInfo(path).path()))
            return false;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray(bytes, 'x')) != bytes)
            return false;
        file.close(); // written before the time is set, or closing would set it again
        return setModified(path, now.addSecs(-qint64(std::chrono::seconds(age).count())));
    }

    static bool setModified(const QString &path, const QDateTime &time)
    {
        QFile file(path);
        return file.open(QIODevice::Append) &&
               file.setFileTime(time, QFileDevice::FileModificationTime);
    }

    // A file anywhere (an absolute path), its folders created, last modified `modified`.
    static bool writeFile(const QString &path, const QDateTime &modified)
    {
        if (!QDir().mkpath(QFileInfo(path).path()))
            return false;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write("precious") != 8)
            return false;
        file.close();
        return setModified(path, modified);
    }

    bool addBlock(const QString &data) { return insert(QStringLiteral("blocks"), data); }
    // SQLite only: `bytes` stored as text without any check, invalid UTF-8 and all
    // (PostgreSQL's text type refuses such bytes, so its data cannot hold them).
    bool addRawSqliteBlock(const QByteArray &bytes)
    {
        auto db = factory->connectionForCurrentThread();
        QSqlQuery query(db.value());
        query.prepare(QStringLiteral(
            "INSERT INTO blocks (id, type, data) VALUES (?, 'image', CAST(? AS TEXT))"));
        query.addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
        query.addBindValue(bytes);
        return query.exec();
    }
    bool addPlayerData(const QString &data)
    {
        return insert(QStringLiteral("team_block_states"), data);
    }

    JobResult run(bool dryRun = false, bool stopFirst = false)
    {
        RunInfo info;
        info.job = QString::fromLatin1(Job::name);
        info.occurrence = now;
        info.dryRun = dryRun;
        state = std::make_shared<RunState>(info, nullptr);
        if (stopFirst)
            state->stopSource().requestStop(StopReason::Cancelled);
        JobContext context(state, category.category());
        return Job::run(context, *factory, settings, now);
    }

    test::TestDatabase database;
    std::shared_ptr<ConnectionFactory> factory;
    QTemporaryDir folder;
    Job::Settings settings;
    std::shared_ptr<RunState> state;
    JobLogCategory category{QString::fromLatin1(Job::name)};
    bool ready = false;

private:
    bool insert(const QString &table, const QString &data)
    {
        auto db = factory->connectionForCurrentThread();
        QSqlQuery query(db.value());
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (table == u"blocks") {
            query.prepare(QStringLiteral("INSERT INTO blocks (id, type, data) VALUES (?, ?, ?)"));
            query.addBindValue(id);
            query.addBindValue(QStringLiteral("image"));
        } else {
            query.prepare(QStringLiteral("INSERT INTO team_block_states (id, team_id, block_id, "
                                         "player_data) VALUES (?, ?, ?, ?)"));
            query.addBindValue(id);
            query.addBindValue(QStringLiteral("team"));
            query.addBindValue(QStringLiteral("block"));
        }
        query.addBindValue(data);
        return query.exec();
    }
};

qint64 count(const JobResult &result, const char *key)
{
    return result.summary().value(QString::fromLatin1(key)).toInteger(-1);
}

QString imageBlock(const QString &url)
{
    return QStringLiteral(R"({"content": "%1", "caption": "a picture"})").arg(url);
}

} // namespace

#define WORLD(world)                                                                               \
    QFETCH(SqlDialect, dialect);                                                                   \
    World world(dialect);                                                                          \
    QVERIFY2(world.ready, qPrintable(world.database.error()))

class tst_OrphanedUploadsCleanup : public QObject
{
    Q_OBJECT

private slots:
    void deletesOnlyUnreferencedFiles_data() { test::addDatabaseRowsWithMySql(); }
    void deletesOnlyUnreferencedFiles()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/used.png"), 48h, 100));
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png"), 48h, 70));
        QVERIFY(world.addFile(QStringLiteral("2025/11/18/orphan2.png"), 48h, 30));
        QVERIFY(world.addBlock(imageBlock(uploadUrl(QStringLiteral("2025/11/17/used.png")))));
        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QVERIFY(world.exists(QStringLiteral("2025/11/17/used.png")));
        QVERIFY(!world.exists(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(!world.exists(QStringLiteral("2025/11/18")));
        QCOMPARE(count(result, "filesScanned"), 3);
        QCOMPARE(count(result, "referenced"), 1);
        QCOMPARE(count(result, "deleted"), 2);
        QCOMPARE(count(result, "bytesFreed"), 100);
        QCOMPARE(count(result, "foldersRemoved"), 1);
        QCOMPARE(count(result, "errors"), 0);
        QCOMPARE(result.summary().value(QStringLiteral("dryRun")).toBool(), false);
        QCOMPARE(RunSummaryText::of(QString::fromLatin1(OrphanedUploadsCleanupJob::name),
                                    result.summary(), false),
                 QStringLiteral("Deleted 2 files (100 bytes) and 1 empty folder; 3 checked"));
        const RunProgress progress = world.state->progress();
        QCOMPARE(progress.done, 3);
        QCOMPARE(progress.total, 3);
    }

    void secondRunDeletesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void secondRunDeletesNothing()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/used.png")));
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(world.addBlock(imageBlock(uploadUrl(QStringLiteral("2025/11/17/used.png")))));
        QCOMPARE(count(world.run(), "deleted"), 1);
        const JobResult second = world.run();
        QVERIFY(second.isSuccess());
        QCOMPARE(count(second, "deleted"), 0);
        QCOMPARE(count(second, "foldersRemoved"), 0);
        QCOMPARE(count(second, "referenced"), 1);
        QVERIFY(world.exists(QStringLiteral("2025/11/17/used.png")));
    }

    void cancelledRunDeletesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void cancelledRunDeletesNothing()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png")));
        const JobResult result = world.run(false, true);
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().contains(QStringLiteral("Stopped")), qPrintable(result.error()));
        QVERIFY(world.exists(QStringLiteral("2025/11/17/orphan.png")));
    }

    // Every way a block can name a file, each with its own file: kept or not.
    void referenceForms_data() { test::addDatabaseRowsWithMySql(); }
    void referenceForms()
    {
        WORLD(world);
        struct Case
        {
            QString file;
            QString reference; // the whole `data` of one block
            bool kept;
        };
        const auto block = [](const QString &url) { return imageBlock(url); };
        const QList<Case> cases = {
            {QStringLiteral("2001/01/01/relative.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/relative.png"))), true},
            {QStringLiteral("2001/01/01/absolute.png"),
             block(site + uploadUrl(QStringLiteral("2001/01/01/absolute.png"))), true},
            {QStringLiteral("2001/01/01/external.png"),
             block(QStringLiteral("https://cdn.example.com") +
                   uploadUrl(QStringLiteral("2001/01/01/external.png"))),
             false},
            {QStringLiteral("2001/01/01/other-scheme.png"),
             block(QStringLiteral("http://game.example.org") +
                   uploadUrl(QStringLiteral("2001/01/01/other-scheme.png"))),
             false},
            {QStringLiteral("2001/01/01/query.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/query.png?w=300&h=2"))), true},
            {QStringLiteral("2001/01/01/fragment.png"),
             block(site + uploadUrl(QStringLiteral("2001/01/01/fragment.png#top"))), true},
            {QStringLiteral("2001/01/01/my photo.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/my%20photo.png"))), true},
            {QStringLiteral("2001/01/01/100%_a.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/100%25_a.png"))), true},
            {QStringLiteral("2001/01/01/raw space.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/raw space.png"))), true},
            {QStringLiteral("2001/01/01/caf\u00e9.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/caf%C3%A9.png"))), true},
            {QStringLiteral("2001/01/01/\u00fcber.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/\u00fcber.png"))), true},
            {QStringLiteral("2001/01/01/UPPER.JPG"),
             block(uploadUrl(QStringLiteral("2001/01/01/UPPER.JPG"))), true},
            {QStringLiteral("2001/01/01/upper.jpg"),
             block(uploadUrl(QStringLiteral("2001/01/01/UPPER.jpg"))), false},
            {QStringLiteral("2001/01/01/dots.png"),
             block(uploadUrl(QStringLiteral("2001/01/09/../01/./dots.png"))), true},
            {QStringLiteral("2001/01/01/similar.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/similar.png.bak"))), false},
            {QStringLiteral("2001/01/01/like_%.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/likeX%25.png"))), false},
            {QStringLiteral("2001/01/02/same-name.png"),
             block(uploadUrl(QStringLiteral("2001/01/01/same-name.png"))), false},
            {QStringLiteral("2001/01/01/md1.png"),
             QStringLiteral(
                 R"({"text": "![a](/static/uploads/2001/01/01/md1.png) and ![b](%1/static/uploads/2001/01/01/md2.png). End"})")
                 .arg(site),
             true},
            {QStringLiteral("2001/01/01/md2.png"), QString(), true},
            {QStringLiteral("2001/01/01/nested.png"),
             QStringLiteral(
                 R"({"a": [{"b": ["x", {"c": "/static/uploads/2001/01/01/nested.png"}]}]})"),
             true},
        };
        for (const Case &c : cases) {
            QVERIFY2(world.addFile(c.file), qPrintable(c.file));
            if (!c.reference.isEmpty())
                QVERIFY2(world.addBlock(c.reference), qPrintable(c.reference));
        }
        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        for (const Case &c : cases)
            QVERIFY2(world.exists(c.file) == c.kept,
                     qPrintable(c.file + (c.kept ? u" should be kept"_qs : u" should be gone"_qs)));
    }

    void playerPhotosKeepTheirFiles_data() { test::addDatabaseRowsWithMySql(); }
    void playerPhotosKeepTheirFiles()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/p1.jpg")));
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/p2.jpg")));
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/p3.jpg")));
        QVERIFY(world.addPlayerData(
            QStringLiteral(
                R"({"images": ["/static/uploads/2025/11/17/p1.jpg", "%1/static/uploads/2025/11/17/p2.jpg"]})")
                .arg(site)));
        const JobResult result = world.run();
        QVERIFY(result.isSuccess());
        QVERIFY(world.exists(QStringLiteral("2025/11/17/p1.jpg")));
        QVERIFY(world.exists(QStringLiteral("2025/11/17/p2.jpg")));
        QVERIFY(!world.exists(QStringLiteral("2025/11/17/p3.jpg")));
        QCOMPARE(count(result, "referenced"), 2);
    }

    void malformedJsonStillKeepsItsFile_data() { test::addDatabaseRowsWithMySql(); }
    void malformedJsonStillKeepsItsFile()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/kept.png")));
        QVERIFY(world.addBlock(
            QStringLiteral(R"({"content": "/static/uploads/2025/11/17/kept.png", "caption": )")));
        const JobResult result = world.run();
        QVERIFY(result.isSuccess());
        QVERIFY(world.exists(QStringLiteral("2025/11/17/kept.png")));
        QCOMPARE(count(result, "deleted"), 0);
    }

    // Symlinks are neither followed nor deleted, wherever they point.
    void symlinksAreNeverFollowedNorDeleted_data() { test::addDatabaseRowsWithMySql(); }
    void symlinksAreNeverFollowedNorDeleted()
    {
        WORLD(world);
        const QString outsideFile = world.outside() + QStringLiteral("/secret.png");
        const QString outsideFolder = world.outside() + QStringLiteral("/folder");
        QVERIFY(QDir().mkpath(outsideFolder));
        QFile secret(outsideFile);
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.close();
        QFile inner(outsideFolder + QStringLiteral("/inner.png"));
        QVERIFY(inner.open(QIODevice::WriteOnly));
        inner.close();
        const QDateTime old = now.addDays(-10);
        QVERIFY(World::setModified(outsideFile, old));
        QVERIFY(World::setModified(inner.fileName(), old));
        QVERIFY(QDir().mkpath(world.at(QStringLiteral("2025/11/17"))));
        QVERIFY(QFile::link(outsideFile, world.at(QStringLiteral("2025/11/17/link.png"))));
        QVERIFY(QFile::link(outsideFolder, world.at(QStringLiteral("2025/11/18"))));
        QVERIFY(QFile::link(world.outside() + QStringLiteral("/gone.png"),
                            world.at(QStringLiteral("2025/11/17/broken.png"))));

        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QCOMPARE(count(result, "skippedSymlinks"), 3);
        QCOMPARE(count(result, "filesScanned"), 0);
        QCOMPARE(count(result, "deleted"), 0);
        QVERIFY(QFileInfo::exists(outsideFile));
        QVERIFY(QFileInfo::exists(inner.fileName()));
        QVERIFY(QFileInfo(world.at(QStringLiteral("2025/11/17/link.png"))).isSymLink());
        QVERIFY(QFileInfo(world.at(QStringLiteral("2025/11/18"))).isSymLink());
        QVERIFY(QFileInfo(world.at(QStringLiteral("2025/11/17/broken.png"))).isSymLink());
        // The folders holding them are not empty, so they stay.
        QVERIFY(QFileInfo(world.at(QStringLiteral("2025/11/17"))).isDir());
    }

    // Only files exactly at YYYY/MM/DD/<file> are uploads (DOMAIN.md). Anything else under
    // the root -- the site's logo, another feature's folder, a folder shaped almost like a
    // date -- is left alone, however old and unreferenced, and so are its folders, even
    // empty.
    void onlyDateFoldersHoldCandidates_data() { test::addDatabaseRowsWithMySql(); }
    void onlyDateFoldersHoldCandidates()
    {
        WORLD(world);
        const QStringList others{
            QStringLiteral("logo.png"),
            QStringLiteral("avatars/a.png"),
            QStringLiteral("2025/november/01/x.png"),
            QStringLiteral("2025/11/7/x.png"),
            QStringLiteral("2025/13/01/x.png"),
            QStringLiteral("2025/00/01/x.png"),
            QStringLiteral("2025/11/32/x.png"),
            QStringLiteral("2025/11/00/x.png"),
            QStringLiteral("20255/11/17/x.png"),
            QStringLiteral("925/11/17/x.png"),
            QStringLiteral("2025/11/17/deeper/x.png"),
            QStringLiteral("misc/2025/11/17/x.png"),
            QStringLiteral(".cache/300/2025/november/01/x.png"),
        };
        for (const QString &file : others)
            QVERIFY2(world.addFile(file, 720h), qPrintable(file));
        const QStringList emptyFolders{QStringLiteral("2024/november/02"),
                                       QStringLiteral("2024/13/01"), QStringLiteral("2024/12/32"),
                                       QStringLiteral("misc/2024/01/01"),
                                       QStringLiteral("2023/01/01/deeper")};
        for (const QString &folder : emptyFolders)
            QVERIFY2(QDir().mkpath(world.at(folder)), qPrintable(folder));
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png"), 720h));
        QVERIFY(world.addFile(QStringLiteral(".cache/300/2025/11/17/orphan.png"), 720h));

        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        for (const QString &file : others)
            QVERIFY2(world.exists(file), qPrintable(file + u" should be kept"_qs));
        for (const QString &folder : emptyFolders)
            QVERIFY2(QFileInfo(world.at(folder)).isDir(), qPrintable(folder + u" should stay"_qs));
        QVERIFY(!world.exists(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(!world.exists(QStringLiteral(".cache/300/2025/11/17/orphan.png")));
        QCOMPARE(count(result, "filesScanned"), 1);
        QCOMPARE(count(result, "deleted"), 1);
        QCOMPARE(count(result, "cacheCopiesDeleted"), 1);
        // Only the cache's 2025/11/17 and 2025/11 went: 2025/11/17 still holds `deeper`, the
        // cache's 2025 still holds `november`, and 2024 and 2023 hold what is not a date.
        QCOMPARE(count(result, "foldersRemoved"), 2);
    }

    // The swap race: between the scan and the deletion, a date folder is replaced by a
    // symlink to a folder outside the root holding a file of the same name, and another
    // one, whose empty day folder is about to be removed, by a symlink to an outside folder
    // with an empty folder of that name. The deletion goes component by component through
    // real folders only, so it refuses the path (an error, logged) instead of following the
    // link: the outside file and folder stay. No database: the sweeper on its own.
    void swappedFolderBetweenScanAndDeleteIsNotFollowed()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString root = folder.filePath(QStringLiteral("uploads"));
        const QString out = folder.filePath(QStringLiteral("outside"));
        const QDateTime old = now.addDays(-30);
        const QString orphan = QStringLiteral("2025/11/17/orphan.png");
        QVERIFY(World::writeFile(root + u'/' + orphan, old));
        QVERIFY(World::writeFile(root + QStringLiteral("/.cache/300/") + orphan, old));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/2024/03/09")));
        QVERIFY(World::writeFile(out + QStringLiteral("/day/orphan.png"), old));
        QVERIFY(World::writeFile(out + QStringLiteral("/cache-month/17/orphan.png"), old));
        QVERIFY(QDir().mkpath(out + QStringLiteral("/month/09")));

        RunInfo info;
        info.job = QString::fromLatin1(Job::name);
        info.occurrence = now;
        const auto state = std::make_shared<RunState>(info, nullptr);
        JobLogCategory category{info.job};
        JobContext context(state, category.category());
        const UploadReferenceSet nothingReferenced;
        UploadTreeSweeper sweeper(context, root, nothingReferenced, now.addDays(-1));
        QVERIFY(!sweeper.scan());

        // The swap: each real folder moved aside (out of the root), a symlink in its place.
        const auto swap = [&](const QString &relative, const QString &target) {
            const QString path = root + u'/' + relative;
            const QString aside =
                folder.filePath(u"aside-"_qs + QString(relative).replace(u'/', u'-'));
            return QDir().rename(path, aside) && QFile::link(target, path);
        };
        QVERIFY(swap(QStringLiteral("2025/11/17"), out + QStringLiteral("/day")));
        QVERIFY(swap(QStringLiteral(".cache/300/2025/11"), out + QStringLiteral("/cache-month")));
        QVERIFY(swap(QStringLiteral("2024/03"), out + QStringLiteral("/month")));

        const UploadTreeSweeper::Counts counts = sweeper.clean();
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/day/orphan.png")));
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/cache-month/17/orphan.png")));
        QVERIFY(QFileInfo(out + QStringLiteral("/month/09")).isDir());
        QVERIFY(QFileInfo(root + QStringLiteral("/2025/11/17")).isSymLink());
        QVERIFY(QFileInfo(root + QStringLiteral("/2024/03")).isSymLink());
        QCOMPARE(counts.filesScanned, 1);
        QCOMPARE(counts.deleted, 0);
        QCOMPARE(counts.cacheCopiesDeleted, 0);
        QCOMPARE(counts.errors, 1);
        bool logged = false;
        for (const LogLine &line : state->logLines())
            logged = logged || (line.message.startsWith(QStringLiteral("Cannot delete")) &&
                                line.fields.value(QStringLiteral("path")) == orphan);
        QVERIFY(logged);
    }

    // The configured root may itself be a symlink (to a mounted volume, say): it is resolved
    // once and swept, as the root it names.
    void symlinkedRootIsSwept_data() { test::addDatabaseRowsWithMySql(); }
    void symlinkedRootIsSwept()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/used.png")));
        QVERIFY(world.addBlock(imageBlock(uploadUrl(QStringLiteral("2025/11/17/used.png")))));
        world.settings.uploadsDir = world.folder.filePath(QStringLiteral("mounted"));
        QVERIFY(QFile::link(world.root(), world.settings.uploadsDir));
        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QVERIFY(!world.exists(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(world.exists(QStringLiteral("2025/11/17/used.png")));
        QVERIFY(QFileInfo(world.settings.uploadsDir).isSymLink());
    }

    // An empty list of sources would make every upload look orphaned: refused before
    // anything is read or deleted, as SettingValues refuses it for stored settings.
    void emptyReferenceSourcesAreRefused_data() { test::addDatabaseRowsWithMySql(); }
    void emptyReferenceSourcesAreRefused()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png")));
        world.settings.referenceSources = {};
        const JobResult result = world.run();
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().startsWith(QStringLiteral("referenceSources: the list is empty")),
                 qPrintable(result.error()));
        QVERIFY2(result.error().contains(QStringLiteral("Nothing was deleted")),
                 qPrintable(result.error()));
        QVERIFY(world.exists(QStringLiteral("2025/11/17/orphan.png")));
    }

    // SITE_URL without a scheme ("game.example.org") would make the site's absolute URLs
    // look foreign, and the files only they name would be deleted: the job refuses to run,
    // naming SITE_URL and the value, and deletes nothing, wherever the value comes from (the
    // environment, the settings stored in the database, or settings handed to run()).
    void siteUrlWithoutASchemeIsRefused_data() { test::addDatabaseRowsWithMySql(); }
    void siteUrlWithoutASchemeIsRefused()
    {
        WORLD(world);
        const QString job = QString::fromLatin1(Job::name);
        // Old for the registered job's real clock and for run()'s fixed `now` alike.
        const QDateTime old = std::min(QDateTime::currentDateTimeUtc(), now).addDays(-10);
        const QString absolute = QStringLiteral("2025/11/17/absolute.png");
        const QString orphan = QStringLiteral("2025/11/17/orphan.png");
        for (const QString &file : {absolute, orphan})
            QVERIFY(World::writeFile(world.at(file), old));
        QVERIFY(world.addBlock(imageBlock(site + uploadUrl(absolute))));
        const auto untouched = [&] { return world.exists(absolute) && world.exists(orphan); };
        // Runs the body every scheduler registers for the job with `environment`.
        const auto runRegistered = [&](const QProcessEnvironment &environment) {
            const QList<JobDefinition> jobs =
                JobCatalog::configuredJobs(world.factory, QTimeZone::utc(), environment);
            const auto found = std::find_if(jobs.cbegin(), jobs.cend(),
                                            [&](const JobDefinition &d) { return d.name == job; });
            if (found == jobs.cend())
                return JobResult::failure(QStringLiteral("the job is not registered"));
            RunInfo info;
            info.job = job;
            info.occurrence = now;
            JobContext context(std::make_shared<RunState>(info, nullptr),
                               world.category.category());
            return found->body(context);
        };

        for (const QString &bare :
             {QStringLiteral("game.example.org"), QStringLiteral("game.example.org:8443/app"),
              QStringLiteral("//game.example.org"), QStringLiteral("www.game.example.org/")}) {
            QProcessEnvironment environment;
            environment.insert(QStringLiteral("UPLOADS_DIR"), world.root());
            environment.insert(QStringLiteral("SITE_URL"), bare);
            // `jobctl set`, the console and every start-up check it first...
            const auto configured = JobCatalog::configure(*JobCatalog::find(job), world.factory,
                                                          QTimeZone::utc(), environment, {});
            QVERIFY2(!configured, qPrintable(bare));
            QVERIFY2(configured.error().startsWith(u"SITE_URL: \"%1\" is not an absolute "
                                                   u"http(s) address"_qs.arg(bare)),
                     qPrintable(configured.error()));
            // ... and the job registered then fails each of its runs, saying why.
            const JobResult fromEnvironment = runRegistered(environment);
            QVERIFY(!fromEnvironment.isSuccess());
            QVERIFY2(fromEnvironment.error().contains(configured.error()),
                     qPrintable(fromEnvironment.error()));
            QVERIFY(untouched());
            // Handed to run() directly, past those checks: refused all the same.
            world.settings.siteUrl = bare;
            const JobResult direct = world.run();
            QVERIFY2(!direct.isSuccess(), qPrintable(bare));
            QVERIFY2(direct.error().startsWith(u"SITE_URL: \"%1\""_qs.arg(bare)),
                     qPrintable(direct.error()));
            QVERIFY2(direct.error().contains(QStringLiteral("https://")),
                     qPrintable(direct.error()));
            QVERIFY2(untouched(), qPrintable(bare));
        }

        // Stored in the database past `jobctl set`'s check: the same.
        const auto stored =
            JobSettingsStore(world.factory)
                .set(job, {{QStringLiteral("siteUrl"), QStringLiteral("game.example.org")}},
                     QStringLiteral("test"), 0);
        QVERIFY2(stored, qPrintable(stored ? QString() : stored.error()));
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("UPLOADS_DIR"), world.root());
        const JobResult fromDatabase = runRegistered(environment);
        QVERIFY(!fromDatabase.isSuccess());
        QVERIFY2(fromDatabase.error().contains(QStringLiteral("siteUrl: \"game.example.org\"")),
                 qPrintable(fromDatabase.error()));
        QVERIFY(untouched());

        // With its scheme the same world is cleaned: the orphan goes, the file the site's
        // absolute URL names stays.
        world.settings.siteUrl = site;
        const JobResult cleaned = world.run();
        QVERIFY2(cleaned.isSuccess(), qPrintable(cleaned.error()));
        QVERIFY(world.exists(absolute));
        QVERIFY(!world.exists(orphan));
    }

    // Every way to make the cleanup reach outside its root, at once (issue 7, security).
    // Outside the root, files are planted wherever following a reference or a link would
    // lead, old enough to be deleted. The app's data names them every hostile way: `..`,
    // absolute paths, file:// URLs, percent-encoded, double-encoded and overlong-UTF-8 dots,
    // backslashes, enormous values, invalid UTF-8 bytes; inside the root are symlinks to a
    // folder and a file outside, to the root's parent, and in the cache. Afterwards every
    // file outside is there unchanged, the orphans inside (found by walking the root without
    // following links) are gone, and the referenced files stay.
    void hostileReferencesNeverReachOutsideTheRoot_data() { test::addDatabaseRowsWithMySql(); }
    void hostileReferencesNeverReachOutsideTheRoot()
    {
        WORLD(world);
        const QString base = world.folder.path();
        const QString out = world.outside();
        const QDateTime old = now.addDays(-30);
        const QStringList outsideFiles{
            out + QStringLiteral("/2025/11/17/sibling.png"),
            base + QStringLiteral("/parent.png"),
            base + QStringLiteral("/2025/11/17/above.png"),
            base + QStringLiteral("/uploads-evil/2025/11/17/x.png"), // the root's name + more
            base + QStringLiteral("/tmp/abs.png"), // an absolute place, as /tmp/abs.png
            out + QStringLiteral("/linked-folder/2025/11/17/inner.png"),
            out + QStringLiteral("/linked-file.png"),
            out + QStringLiteral("/cache300/2025/11/17/orphan.png"),
            out + QStringLiteral("/cachedate/11/17/orphan.png"),
        };
        for (const QString &path : outsideFiles)
            QVERIFY2(World::writeFile(path, old), qPrintable(path));

        // Inside: referenced files (one through a `..` that stays inside, one named only by
        // a row that is not UTF-8 on SQLite), orphans (one with a cached copy, one whose own
        // name looks like an escape), and the symlinks.
        const QStringList kept{QStringLiteral("2025/11/17/kept.png"),
                               QStringLiteral("2025/11/17/kept2.png"),
                               QStringLiteral("2025/11/17/kept3.png")};
        const QStringList orphans{QStringLiteral("2025/11/17/orphan.png"),
                                  QStringLiteral("2025/11/17/%2e%2e%2f%2e%2e%2fparent.png")};
        for (const QString &file : kept + orphans)
            QVERIFY2(world.addFile(file, 720h), qPrintable(file));
        QVERIFY(world.addFile(QStringLiteral(".cache/500/2025/11/17/orphan.png"), 720h));
        const QStringList links{QStringLiteral("2025/11/17/linked-folder"),
                                QStringLiteral("2025/11/17/linked-file.png"),
                                QStringLiteral("2025/11/19"), QStringLiteral(".cache/300"),
                                QStringLiteral(".cache/800/2025")};
        QVERIFY(QDir().mkpath(world.at(QStringLiteral(".cache/800"))));
        const QStringList targets{
            out + QStringLiteral("/linked-folder"), out + QStringLiteral("/linked-file.png"), base,
            out + QStringLiteral("/cache300"), out + QStringLiteral("/cachedate")};
        for (qsizetype i = 0; i < links.size(); ++i)
            QVERIFY2(QFile::link(targets.at(i), world.at(links.at(i))), qPrintable(links.at(i)));

        const QString rel = QStringLiteral("/static/uploads/");
        QStringList hostile{
            rel + QStringLiteral("../outside/2025/11/17/sibling.png"),
            rel + QStringLiteral("../../parent.png"),
            rel + QStringLiteral("../2025/11/17/above.png"),
            rel + QStringLiteral("../uploads-evil/2025/11/17/x.png"),
            rel + QStringLiteral("2025/11/17/../../../../parent.png"),
            rel + QStringLiteral("%2e%2e/outside/2025/11/17/sibling.png"),
            rel + QStringLiteral("%2E%2E%2F%2E%2E%2Fparent.png"),
            rel + QStringLiteral("..%2f..%2fparent.png"),
            rel + QStringLiteral("%252e%252e/%252e%252e/parent.png"),
            rel + QStringLiteral("%C0%AE%C0%AE/%C0%AE%C0%AE/parent.png"),
            rel + QStringLiteral("%FF%FE/../../parent.png"),
            rel + QStringLiteral("..\\..\\parent.png"),
            // Through the link to the root's parent: following the link would then walk the
            // parent and delete all the rest of it, unreferenced.
            rel + QStringLiteral("2025/11/19/parent.png"),
            rel + QStringLiteral(".cache/300/2025/11/17/orphan.png"),
            site + rel + QStringLiteral("../../parent.png"),
            site + rel + QStringLiteral("%2e%2e/%2e%2e/tmp/abs.png"),
            base + QStringLiteral("/tmp/abs.png"),
            base + QStringLiteral("/parent.png"),
            QStringLiteral("file://") + base + QStringLiteral("/tmp/abs.png"),
            QStringLiteral("file://") + out + QStringLiteral("/2025/11/17/sibling.png"),
            QStringLiteral("file://") + rel + QStringLiteral("2025/11/17/orphan.png"),
            // Enormous: a megabyte of climbing, a long path, a megabyte of anchors.
            rel + QStringLiteral("../").repeated(350'000) + QStringLiteral("parent.png"),
            rel + QStringLiteral("a/").repeated(50'000) + QStringLiteral("x.png"),
            QStringLiteral("/static/uploads/../").repeated(50'000),
        };
        QJsonArray all;
        for (const QString &url : std::as_const(hostile)) {
            QVERIFY(world.addBlock(QString::fromUtf8(
                QJsonDocument(QJsonObject{{QStringLiteral("content"), url}}).toJson())));
            all.append(url);
        }
        QVERIFY(world.addPlayerData(
            QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("images"), all}})
                                  .toJson(QJsonDocument::Compact))));
        QVERIFY(world.addBlock(imageBlock(uploadUrl(kept.at(0)))));
        QVERIFY(
            world.addBlock(imageBlock(uploadUrl(QStringLiteral("2025/11/18/../17/kept2.png")))));
        if (dialect == SqlDialect::Sqlite) {
            // Bytes that are not UTF-8, one of them aiming at the parent with overlong dots;
            // the row is not JSON either, and its raw text still keeps kept3.
            QVERIFY(world.addRawSqliteBlock(
                "\xff\xfe{\"content\": \"/static/uploads/\xc0\xae\xc0\xae/\xc0\xae\xc0\xae/"
                "parent.png\", \"more\": \"/static/uploads/2025/11/17/kept3.png\"}"));
        } else {
            QVERIFY(world.addBlock(imageBlock(uploadUrl(kept.at(2)))));
        }

        // Every file outside the root, and its bytes: compared after the run.
        const auto outsideState = [&] {
            QStringList state;
            QDirIterator it(base,
                            QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QFileInfo info = it.nextFileInfo();
                if (info.filePath().startsWith(world.root() + u'/'))
                    continue;
                QFile file(info.filePath());
                state.append(info.filePath() + u' ' +
                             (info.isFile() && file.open(QIODevice::ReadOnly)
                                  ? QString::fromLatin1(file.readAll())
                                  : QString()) +
                             u' ' + info.lastModified().toUTC().toString(Qt::ISODate));
            }
            state.sort();
            return state;
        };
        // The regular files of the root, found by walking it without following links, as
        // the cleanup must; the hidden cache apart.
        const auto filesInRoot = [&] {
            QStringList files;
            QDirIterator it(world.root(), QDir::Files | QDir::Hidden | QDir::System,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QFileInfo info = it.nextFileInfo();
                const QString relative = QDir(world.root()).relativeFilePath(info.filePath());
                if (!info.isSymLink() && !relative.startsWith(QStringLiteral(".cache/")))
                    files.append(relative);
            }
            files.sort();
            return files;
        };
        const QStringList outsideBefore = outsideState();
        for (const QString &path : outsideFiles) {
            QVERIFY2(outsideBefore.filter(path + QStringLiteral(" precious ")).size() == 1,
                     qPrintable(path));
        }
        QStringList expectedBefore = kept + orphans;
        expectedBefore.sort();
        QCOMPARE(filesInRoot(), expectedBefore);

        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));

        QCOMPARE(outsideState(), outsideBefore);
        QStringList expectedAfter = kept;
        expectedAfter.sort();
        QCOMPARE(filesInRoot(), expectedAfter);
        QVERIFY(!world.exists(QStringLiteral(".cache/500/2025/11/17/orphan.png")));
        for (const QString &link : links)
            QVERIFY2(QFileInfo(world.at(link)).isSymLink(), qPrintable(link));
        QCOMPARE(count(result, "filesScanned"), 5);
        QCOMPARE(count(result, "referenced"), 3);
        QCOMPARE(count(result, "deleted"), 2);
        QCOMPARE(count(result, "cacheCopiesDeleted"), 1);
        QCOMPARE(count(result, "errors"), 0);
        QVERIFY(count(result, "skippedSymlinks") >= links.size());
    }

    void youngFilesAreKept_data() { test::addDatabaseRowsWithMySql(); }
    void youngFilesAreKept()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2026/01/15/new.png"), 1h));
        QVERIFY(world.addFile(QStringLiteral("2026/01/14/edge.png"), 23h));
        QVERIFY(world.addFile(QStringLiteral("2026/01/13/old.png"), 25h));
        const JobResult result = world.run();
        QVERIFY(result.isSuccess());
        QVERIFY(world.exists(QStringLiteral("2026/01/15/new.png")));
        QVERIFY(world.exists(QStringLiteral("2026/01/14/edge.png")));
        QVERIFY(!world.exists(QStringLiteral("2026/01/13/old.png")));
        QCOMPARE(count(result, "keptTooYoung"), 2);
        QCOMPARE(count(result, "deleted"), 1);

        world.settings.gracePeriod = 0h;
        QCOMPARE(count(world.run(), "deleted"), 2);
    }

    void cachedCopiesGoWithTheirOriginal_data() { test::addDatabaseRowsWithMySql(); }
    void cachedCopiesGoWithTheirOriginal()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/used.png")));
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png"), 48h, 100));
        for (const QString &size : {QStringLiteral("300"), QStringLiteral("800")}) {
            QVERIFY(world.addFile(u".cache/"_qs + size + u"/2025/11/17/used.png"_qs));
            QVERIFY(world.addFile(u".cache/"_qs + size + u"/2025/11/17/orphan.png"_qs, 48h, 5));
        }
        QVERIFY(world.addFile(QStringLiteral(".cache/300/2024/01/01/stale.png")));
        QVERIFY(world.addBlock(imageBlock(uploadUrl(QStringLiteral("2025/11/17/used.png")))));
        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QVERIFY(!world.exists(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(!world.exists(QStringLiteral(".cache/300/2025/11/17/orphan.png")));
        QVERIFY(!world.exists(QStringLiteral(".cache/800/2025/11/17/orphan.png")));
        QVERIFY(world.exists(QStringLiteral(".cache/300/2025/11/17/used.png")));
        QVERIFY(world.exists(QStringLiteral(".cache/800/2025/11/17/used.png")));
        // Cached copies are not uploads of their own: a stale one is the app cache's business.
        QVERIFY(world.exists(QStringLiteral(".cache/300/2024/01/01/stale.png")));
        QCOMPARE(count(result, "filesScanned"), 2);
        QCOMPARE(count(result, "deleted"), 1);
        QCOMPARE(count(result, "cacheCopiesDeleted"), 2);
        QCOMPARE(count(result, "bytesFreed"), 110);
    }

    void emptyDateFoldersGoBottomUpInOneRun_data() { test::addDatabaseRowsWithMySql(); }
    void emptyDateFoldersGoBottomUpInOneRun()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(world.addFile(QStringLiteral("2025/12/01/orphan.png")));
        QVERIFY(world.addFile(QStringLiteral("2024/05/05/used.png")));
        QVERIFY(QDir().mkpath(world.at(QStringLiteral("2024/01/02"))));
        QVERIFY(QDir().mkpath(world.at(QStringLiteral("avatars"))));
        QVERIFY(QDir().mkpath(world.at(QStringLiteral(".git/objects"))));
        QVERIFY(world.addFile(QStringLiteral(".hidden/2020/01/01/x.png")));
        QVERIFY(world.addFile(QStringLiteral("2023/01/01/.keep")));
        QVERIFY(world.addFile(QStringLiteral(".cache/300/2025/11/17/orphan.png")));
        QVERIFY(world.addBlock(imageBlock(uploadUrl(QStringLiteral("2024/05/05/used.png")))));
        // A dry run first: it says what the run will remove, the cache's folders included
        // (it left those out: 7 against 10).
        const JobResult dry = world.run(true);
        QVERIFY2(dry.isSuccess(), qPrintable(dry.error()));
        QVERIFY(world.exists(QStringLiteral(".cache/300/2025/11/17/orphan.png")));
        QCOMPARE(count(dry, "foldersRemoved"), 10);
        const JobResult result = world.run();
        QVERIFY2(result.isSuccess(), qPrintable(result.error()));
        QVERIFY(!world.exists(QStringLiteral("2025")));
        QVERIFY(!world.exists(QStringLiteral("2024/01")));
        QVERIFY(world.exists(QStringLiteral("2024/05/05/used.png")));
        QVERIFY(world.exists(QStringLiteral("avatars")));                  // not a date folder
        QVERIFY(world.exists(QStringLiteral(".git/objects")));             // hidden: left alone
        QVERIFY(world.exists(QStringLiteral(".hidden/2020/01/01/x.png"))); // hidden: left alone
        QVERIFY(world.exists(QStringLiteral("2023/01/01/.keep")));         // hidden file kept
        QVERIFY(!world.exists(QStringLiteral(".cache/300/2025")));
        QVERIFY(world.exists(QStringLiteral(".cache/300")));
        QVERIFY(QFileInfo(world.root()).isDir());
        // 2025/11/17, 2025/11, 2025/12/01, 2025/12, 2025, 2024/01/02, 2024/01, and the cache's
        // 2025/11/17, 2025/11, 2025.
        QCOMPARE(count(result, "foldersRemoved"), 10);

        // The root itself is never removed, even when everything in it goes.
        World empty(dialect);
        QVERIFY(empty.ready);
        QVERIFY(empty.addFile(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(empty.run().isSuccess());
        QVERIFY(QFileInfo(empty.root()).isDir());
        QVERIFY(QDir(empty.root()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
    }

    void dryRunChangesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void dryRunChangesNothing()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png"), 48h, 40));
        QVERIFY(world.addFile(QStringLiteral(".cache/300/2025/11/17/orphan.png"), 48h, 2));
        QVERIFY(world.addFile(QStringLiteral("2025/11/18/used.png")));
        QVERIFY(world.addBlock(imageBlock(uploadUrl(QStringLiteral("2025/11/18/used.png")))));
        const JobResult result = world.run(true);
        QVERIFY(result.isSuccess());
        QCOMPARE(result.summary().value(QStringLiteral("dryRun")).toBool(), true);
        QCOMPARE(count(result, "deleted"), 1);
        QCOMPARE(count(result, "cacheCopiesDeleted"), 1);
        QCOMPARE(count(result, "bytesFreed"), 42);
        // 2025/11/17 (2025/11 still holds 18), and the cache's 2025/11/17, 2025/11 and 2025,
        // which held that copy only: what the real run below removes (the dry run said 1).
        QCOMPARE(count(result, "foldersRemoved"), 4);
        QCOMPARE(RunSummaryText::of(QString::fromLatin1(OrphanedUploadsCleanupJob::name),
                                    result.summary(), true),
                 QStringLiteral("Dry run: would delete 1 file with 1 cached copy (42 bytes) "
                                "and 4 empty folders; 2 checked"));
        QVERIFY(world.exists(QStringLiteral("2025/11/17/orphan.png")));
        QVERIFY(world.exists(QStringLiteral(".cache/300/2025/11/17/orphan.png")));
        bool logged = false;
        for (const LogLine &line : world.state->logLines())
            logged = logged || (line.message.startsWith(QStringLiteral("Would delete")) &&
                                line.fields.value(QStringLiteral("path")) ==
                                    QStringLiteral("2025/11/17/orphan.png"));
        QVERIFY(logged);
        const JobResult real = world.run();
        QVERIFY(real.isSuccess());
        QCOMPARE(count(real, "foldersRemoved"), count(result, "foldersRemoved"));
    }

    // A source that cannot be read fails the run before anything is deleted.
    void unreadableSourceDeletesNothing_data() { test::addDatabaseRowsWithMySql(); }
    void unreadableSourceDeletesNothing()
    {
        WORLD(world);
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png")));
        world.settings.referenceSources = {QStringLiteral("blocks.data"),
                                           QStringLiteral("no_such_table.data")};
        const JobResult result = world.run();
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().contains(QStringLiteral("no_such_table.data")),
                 qPrintable(result.error()));
        QVERIFY(world.exists(QStringLiteral("2025/11/17/orphan.png")));
    }

    // References are streamed; a batch size smaller than the rows loses none of them.
    void manyRowsInSmallBatches_data() { test::addDatabaseRowsWithMySql(); }
    void manyRowsInSmallBatches()
    {
        WORLD(world);
        world.settings.batchSize = 3;
        for (int i = 0; i < 10; ++i) {
            const QString file = QStringLiteral("2025/11/17/%1.png").arg(i);
            QVERIFY(world.addFile(file));
            QVERIFY(world.addBlock(imageBlock(uploadUrl(file))));
        }
        QVERIFY(world.addFile(QStringLiteral("2025/11/17/orphan.png")));
        const JobResult result = world.run();
        QVERIFY(result.isSuccess());
        QCOMPARE(count(result, "referenced"), 10);
        QCOMPARE(count(result, "deleted"), 1);
    }

    void uploadsRootMustBeAFolder_data() { test::addDatabaseRowsWithMySql(); }
    void uploadsRootMustBeAFolder()
    {
        WORLD(world);
        world.settings.uploadsDir = world.folder.filePath(QStringLiteral("missing"));
        JobResult result = world.run();
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().contains(QStringLiteral("UPLOADS_DIR")),
                 qPrintable(result.error()));
        QVERIFY2(result.error().contains(world.settings.uploadsDir), qPrintable(result.error()));

        QVERIFY(world.addFile(QStringLiteral("plain.txt")));
        world.settings.uploadsDir = world.at(QStringLiteral("plain.txt"));
        result = world.run();
        QVERIFY(!result.isSuccess());
        QVERIFY2(result.error().contains(QStringLiteral("UPLOADS_DIR")),
                 qPrintable(result.error()));
        QVERIFY2(result.error().contains(QStringLiteral("not a folder")),
                 qPrintable(result.error()));
        QVERIFY(world.exists(QStringLiteral("plain.txt")));
    }

    void settingsFromValues()
    {
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("UPLOADS_DIR"), QStringLiteral("/srv/app/uploads"));
        environment.insert(QStringLiteral("SITE_URL"), site);
        const auto values = SettingValues::resolve(
            Job::settingSpecs(), environment, {{QStringLiteral("gracePeriodHours"), 6}},
            {{QStringLiteral("referenceSources"), QStringLiteral("blocks.data, pages.body")}});
        QVERIFY2(values, qPrintable(values ? QString() : values.error()));
        const auto settings = Job::settingsFrom(values.value());
        QVERIFY2(settings, qPrintable(settings ? QString() : settings.error()));
        QCOMPARE(settings->uploadsDir, QStringLiteral("/srv/app/uploads"));
        QCOMPARE(settings->siteUrl, site);
        QCOMPARE(settings->gracePeriod, 6h);
        QCOMPARE(settings->batchSize, 1000);
        QCOMPARE(settings->referenceSources,
                 QStringList({QStringLiteral("blocks.data"), QStringLiteral("pages.body")}));

        const auto defaultValues =
            SettingValues::resolve(Job::settingSpecs(), QProcessEnvironment());
        QVERIFY2(defaultValues, qPrintable(defaultValues ? QString() : defaultValues.error()));
        const auto defaults = Job::settingsFrom(defaultValues.value());
        QVERIFY2(defaults, qPrintable(defaults ? QString() : defaults.error()));
        QCOMPARE(defaults->uploadsDir, QDir::current().filePath(QStringLiteral("static/uploads")));
        QVERIFY(defaults->siteUrl.isEmpty());
        QCOMPARE(defaults->referenceSources,
                 QStringList({QStringLiteral("blocks.data"),
                              QStringLiteral("team_block_states.player_data")}));
        QCOMPARE(defaults->gracePeriod, 24h);
    }

    void invalidSettingsAreRefused_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("named");
        QTest::newRow("SITE_URL without a scheme")
            << QStringLiteral("SITE_URL") << QString() << QStringLiteral("game.example.org")
            << QStringLiteral("SITE_URL");
        QTest::newRow("SITE_URL not http(s)")
            << QStringLiteral("SITE_URL") << QString() << QStringLiteral("ftp://game.example.org")
            << QStringLiteral("SITE_URL");
        QTest::newRow("source not table.column")
            << QString() << QStringLiteral("referenceSources")
            << QStringLiteral("blocks.data,blocks") << QStringLiteral("referenceSources");
        QTest::newRow("source with SQL in it")
            << QString() << QStringLiteral("referenceSources")
            << QStringLiteral("blocks.data;DROP TABLE users") << QStringLiteral("referenceSources");
        QTest::newRow("grace period too long")
            << QString() << QStringLiteral("gracePeriodHours") << QStringLiteral("9000")
            << QStringLiteral("gracePeriodHours");
        QTest::newRow("negative grace period")
            << QString() << QStringLiteral("gracePeriodHours") << QStringLiteral("-1")
            << QStringLiteral("gracePeriodHours");
        QTest::newRow("zero batch") << QString() << QStringLiteral("batchSize")
                                    << QStringLiteral("0") << QStringLiteral("batchSize");
    }
    void invalidSettingsAreRefused()
    {
        QFETCH(QString, variable);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, named);
        QProcessEnvironment environment;
        QJsonObject stored;
        if (!variable.isEmpty())
            environment.insert(variable, value);
        else
            stored.insert(key, value);
        const auto values = SettingValues::resolve(Job::settingSpecs(), environment, stored);
        QVERIFY(!values);
        QVERIFY2(values.error().startsWith(named + u':'), qPrintable(values.error()));
    }

    void definitionRunsDailyAtMidnight()
    {
        const auto factory = std::make_shared<ConnectionFactory>(
            DatabaseUrl::sqliteFile(QStringLiteral("unused.db")));
        const JobDefinition def = Job::definition(factory, QTimeZone("Europe/Berlin"), {});
        QCOMPARE(def.name, QStringLiteral("Orphaned Uploads Cleanup"));
        const QDateTime next = def.schedule.next(
            QDateTime(QDate(2026, 3, 3), QTime(12, 0), QTimeZone("Europe/Berlin")));
        QCOMPARE(next.toTimeZone(QTimeZone("Europe/Berlin")).time(), QTime(0, 0));
        QVERIFY(def.body);
    }
};

QTEST_GUILESS_MAIN(tst_OrphanedUploadsCleanup)
#include "tst_orphaneduploadscleanup.moc"
