#include "jobs/UploadTreeSweeper.h"

#include "engine/JobContext.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace jc {

namespace {

const QString cacheFolder = QStringLiteral(".cache");
constexpr qint64 progressEvery = 500;

bool isDateFolder(const QString &relative)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9]{4}(/[0-9]{2}){0,2}$"));
    return pattern.match(relative).hasMatch();
}

QString parentOf(const QString &relative)
{
    const qsizetype slash = relative.lastIndexOf(u'/');
    return slash < 0 ? QString() : relative.left(slash);
}

QString joined(const QString &folder, const QString &name)
{
    return folder.isEmpty() ? name : folder + u'/' + name;
}

// Deepest folders first, so that a parent is looked at after its children.
void sortDeepestFirst(QStringList &folders)
{
    std::sort(folders.begin(), folders.end(), [](const QString &a, const QString &b) {
        const qsizetype da = a.count(u'/');
        const qsizetype db = b.count(u'/');
        return da != db ? da > db : a < b;
    });
}

} // namespace

QJsonObject UploadTreeSweeper::Counts::toJson() const
{
    return {{QStringLiteral("filesScanned"), filesScanned},
            {QStringLiteral("referenced"), referenced},
            {QStringLiteral("deleted"), deleted},
            {QStringLiteral("cacheCopiesDeleted"), cacheCopiesDeleted},
            {QStringLiteral("bytesFreed"), bytesFreed},
            {QStringLiteral("foldersRemoved"), foldersRemoved},
            {QStringLiteral("keptTooYoung"), keptTooYoung},
            {QStringLiteral("skippedSymlinks"), skippedSymlinks},
            {QStringLiteral("errors"), errors}};
}

UploadTreeSweeper::UploadTreeSweeper(JobContext &context, QString root,
                                     const UploadReferenceSet &references, QDateTime keepNewerThan)
    : m_context(context)
    , m_root(std::move(root))
    , m_references(references)
    , m_keepNewerThan(std::move(keepNewerThan))
    , m_dryRun(context.isDryRun())
{}

QString UploadTreeSweeper::absolute(const QString &relative) const
{
    return relative.isEmpty() ? m_root : m_root + u'/' + relative;
}

UploadTreeSweeper::Counts UploadTreeSweeper::sweep()
{
    walk();
    const qint64 total = m_files.size();
    m_context.setProgress(0, total, QStringLiteral("Checking uploads"));
    for (qint64 i = 0; i < total; ++i) {
        if (m_context.isStopRequested()) {
            m_counts.stopped = true;
            return m_counts;
        }
        handle(m_files.at(i));
        if ((i + 1) % progressEvery == 0)
            m_context.setProgress(i + 1, total, QStringLiteral("Checking uploads"));
    }
    m_context.setProgress(total, total, QStringLiteral("Removing empty folders"));
    removeEmptyFolders();
    return m_counts;
}

void UploadTreeSweeper::walk()
{
    m_pending = {QString()};
    while (!m_pending.isEmpty() && !m_context.isStopRequested())
        walkFolder(m_pending.takeLast());
    // The walk sees folders in no useful order; files in path order make logs readable.
    std::sort(m_files.begin(), m_files.end(),
              [](const Candidate &a, const Candidate &b) { return a.relative < b.relative; });
}

// Lists one folder (never following a symlink) and queues its subfolders on m_pending.
void UploadTreeSweeper::walkFolder(const QString &relative)
{
    QStringList subfolders;
    qint64 entries = 0;
    QDirIterator it(absolute(relative),
                    QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        const QFileInfo info = it.nextFileInfo();
        ++entries;
        const QString child = joined(relative, info.fileName());
        if (info.isSymLink()) {
            ++m_counts.skippedSymlinks;
            m_context.log().info(QStringLiteral("Skipped a symlink: never followed nor deleted"),
                                 {{QStringLiteral("path"), child}});
        } else if (info.fileName().startsWith(u'.')) {
            if (relative.isEmpty() && info.fileName() == cacheFolder && info.isDir())
                walkCache();
        } else if (info.isDir()) {
            subfolders.append(child);
        } else if (info.isFile()) {
            m_files.append({child, info.size(), info.lastModified()});
        }
    }
    m_entriesLeft.insert(relative, entries);
    m_pending.append(subfolders);
}

// The size folders of `.cache`; their contents are looked at per deleted original only.
void UploadTreeSweeper::walkCache()
{
    QDirIterator it(absolute(cacheFolder),
                    QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        const QFileInfo info = it.nextFileInfo();
        if (info.isSymLink()) {
            ++m_counts.skippedSymlinks;
            m_context.log().info(QStringLiteral("Skipped a symlink: never followed nor deleted"),
                                 {{QStringLiteral("path"), joined(cacheFolder, info.fileName())}});
        } else if (info.isDir() && !info.fileName().startsWith(u'.')) {
            m_cacheSizes.append(info.fileName());
        }
    }
}

void UploadTreeSweeper::handle(const Candidate &file)
{
    ++m_counts.filesScanned;
    if (m_references.contains(UploadUrl::normalisedFilePath(file.relative))) {
        ++m_counts.referenced;
        return;
    }
    if (file.modified > m_keepNewerThan) {
        ++m_counts.keptTooYoung;
        m_context.log().debug(
            QStringLiteral("Kept an unreferenced upload: too young"),
            {{QStringLiteral("path"), file.relative}, {QStringLiteral("modified"), file.modified}});
        return;
    }
    if (!removeFile(file.relative, file.size))
        return;
    ++m_counts.deleted;
    forget(file.relative);
    removeCacheCopies(file.relative);
}

bool UploadTreeSweeper::removeFile(const QString &relative, qint64 size)
{
    const QVariantMap fields{{QStringLiteral("path"), relative}, {QStringLiteral("bytes"), size}};
    if (m_dryRun) {
        m_counts.bytesFreed += size;
        m_context.log().debug(QStringLiteral("Would delete an orphaned upload"), fields);
        return true;
    }
    QFile file(absolute(relative));
    if (!file.remove()) {
        ++m_counts.errors;
        QVariantMap withError = fields;
        withError.insert(QStringLiteral("error"), file.errorString());
        m_context.log().warning(QStringLiteral("Cannot delete an orphaned upload"), withError);
        return false;
    }
    m_counts.bytesFreed += size;
    m_context.log().debug(QStringLiteral("Deleted an orphaned upload"), fields);
    return true;
}

void UploadTreeSweeper::removeCacheCopies(const QString &relative)
{
    for (const QString &size : std::as_const(m_cacheSizes)) {
        const QString copy = cacheFolder + u'/' + size + u'/' + relative;
        if (!isRealFolderChain(parentOf(copy)))
            continue;
        const QFileInfo info(absolute(copy));
        if (info.isSymLink()) {
            ++m_counts.skippedSymlinks;
            m_context.log().info(QStringLiteral("Skipped a symlink: never followed nor deleted"),
                                 {{QStringLiteral("path"), copy}});
            continue;
        }
        if (!info.isFile() || !removeFile(copy, info.size()))
            continue;
        ++m_counts.cacheCopiesDeleted;
        for (QString folder = parentOf(copy); folder.count(u'/') > 1; folder = parentOf(folder))
            m_touchedCacheFolders.insert(folder);
    }
}

// True when every folder from `.cache` down to `relative` exists and none is a symlink, so
// that a path through them cannot lead outside the root.
bool UploadTreeSweeper::isRealFolderChain(const QString &relative)
{
    if (relative.isEmpty())
        return true;
    if (const auto known = m_realFolders.constFind(relative); known != m_realFolders.cend())
        return *known;
    bool real = isRealFolderChain(parentOf(relative));
    if (real) {
        const QFileInfo info(absolute(relative));
        if (info.isSymLink()) {
            ++m_counts.skippedSymlinks;
            m_context.log().info(QStringLiteral("Skipped a symlink: never followed nor deleted"),
                                 {{QStringLiteral("path"), relative}});
        }
        real = !info.isSymLink() && info.isDir();
    }
    m_realFolders.insert(relative, real);
    return real;
}

void UploadTreeSweeper::forget(const QString &relative)
{
    const auto it = m_entriesLeft.find(parentOf(relative));
    if (it != m_entriesLeft.end())
        --*it;
}

void UploadTreeSweeper::removeEmptyFolders()
{
    QStringList folders;
    for (auto it = m_entriesLeft.cbegin(); it != m_entriesLeft.cend(); ++it) {
        if (isDateFolder(it.key()))
            folders.append(it.key());
    }
    sortDeepestFirst(folders);
    for (const QString &folder : std::as_const(folders)) {
        if (m_entriesLeft.value(folder) != 0)
            continue;
        // rmdir() removes only an empty folder: an upload that arrived meanwhile stays.
        if (!m_dryRun && !QDir().rmdir(absolute(folder))) {
            m_context.log().info(QStringLiteral("Kept a folder: no longer empty"),
                                 {{QStringLiteral("path"), folder}});
            continue;
        }
        ++m_counts.foldersRemoved;
        forget(folder);
        m_context.log().debug(m_dryRun ? QStringLiteral("Would remove an empty folder")
                                       : QStringLiteral("Removed an empty folder"),
                              {{QStringLiteral("path"), folder}});
    }
    removeEmptyCacheFolders();
}

// Below `.cache/<size>/`, the date folders of deleted copies, when now empty. Not counted
// in a dry run, which deleted no copy.
void UploadTreeSweeper::removeEmptyCacheFolders()
{
    if (m_dryRun)
        return;
    QStringList folders(m_touchedCacheFolders.cbegin(), m_touchedCacheFolders.cend());
    sortDeepestFirst(folders);
    for (const QString &folder : std::as_const(folders)) {
        const QString dated = folder.section(u'/', 2);
        if (!isDateFolder(dated) || !QDir(absolute(folder)).isEmpty())
            continue;
        if (QDir().rmdir(absolute(folder)))
            ++m_counts.foldersRemoved;
    }
}

} // namespace jc
