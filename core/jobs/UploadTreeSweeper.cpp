#include "jobs/UploadTreeSweeper.h"

#include "engine/JobContext.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace jc {

namespace {

const QString cacheFolder = QStringLiteral(".cache");
constexpr qint64 progressEvery = 500;
constexpr int dayDepth = 3; // root 0, YYYY 1, MM 2, DD 3

// True when `name` is the date part a folder at `depth` (1 year, 2 month, 3 day) must have.
bool isDatePart(const QString &name, int depth)
{
    static const QRegularExpression year(QStringLiteral("^[0-9]{4}$"));
    static const QRegularExpression month(QStringLiteral("^(0[1-9]|1[0-2])$"));
    static const QRegularExpression day(QStringLiteral("^(0[1-9]|[12][0-9]|3[01])$"));
    const QRegularExpression &pattern = depth == 1 ? year : depth == 2 ? month : day;
    return pattern.match(name).hasMatch();
}

QString parentOf(const QString &relative)
{
    const qsizetype slash = relative.lastIndexOf(u'/');
    return slash < 0 ? QString() : relative.left(slash);
}

QString nameOf(const QString &relative)
{
    return relative.mid(relative.lastIndexOf(u'/') + 1);
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

std::optional<QString> UploadTreeSweeper::scan()
{
    // The configured root may be a symlink (to a mounted volume, say): resolved here, once;
    // from then on the sweep holds the folder itself, not its path.
    const QString resolved = QFileInfo(m_root).canonicalFilePath();
    auto root = DirectoryHandle::open(resolved.isEmpty() ? m_root : resolved);
    if (!root)
        return QStringLiteral("UPLOADS_DIR: cannot open the uploads folder \"%1\": %2. Nothing "
                              "was deleted")
            .arg(m_root, DirectoryHandle::errorText(root.error()));
    m_rootHandle = std::move(root).value();
    scanFolder(m_rootHandle.value(), QString(), 0);
    // The walk goes folder by folder; files in path order make logs readable, and keep the
    // files of one folder together for clean().
    std::sort(m_files.begin(), m_files.end(),
              [](const Candidate &a, const Candidate &b) { return a.relative < b.relative; });
    return std::nullopt;
}

// Lists one folder at `depth` (0 the root) and walks the date folders in it; only a day
// folder's regular files are candidates. Every entry counts for the folder's emptiness,
// those left alone included.
void UploadTreeSweeper::scanFolder(const DirectoryHandle &folder, const QString &relative,
                                   int depth)
{
    if (m_context.isStopRequested())
        return;
    const auto entries = folder.entries();
    if (!entries) {
        // Never counted as empty, so never removed.
        m_context.log().warning(
            QStringLiteral("Cannot list a folder: left alone"),
            {{QStringLiteral("path"), relative},
             {QStringLiteral("error"), DirectoryHandle::errorText(entries.error())}});
        return;
    }
    if (depth > 0)
        m_entriesLeft.insert(relative, entries->size());
    for (const DirectoryHandle::Entry &entry : entries.value()) {
        const QString child = joined(relative, entry.name);
        using Kind = DirectoryHandle::Kind;
        if (entry.kind == Kind::Symlink) {
            ++m_counts.skippedSymlinks;
            m_context.log().info(QStringLiteral("Skipped a symlink: never followed nor deleted"),
                                 {{QStringLiteral("path"), child}});
        } else if (entry.name.startsWith(u'.')) {
            if (depth == 0 && entry.name == cacheFolder && entry.kind == Kind::Folder)
                scanCache(folder);
        } else if (depth < dayDepth && entry.kind == Kind::Folder &&
                   isDatePart(entry.name, depth + 1)) {
            const auto opened = folder.openFolder(entry.name);
            if (opened)
                scanFolder(opened.value(), child, depth + 1);
            else
                m_context.log().warning(
                    QStringLiteral("Cannot open a folder: left alone"),
                    {{QStringLiteral("path"), child},
                     {QStringLiteral("error"), DirectoryHandle::errorText(opened.error())}});
        } else if (depth == dayDepth && entry.kind == Kind::File) {
            m_files.append({child, entry.size, entry.modified});
        }
    }
}

// The size folders of `.cache`; their contents are looked at per deleted original only.
void UploadTreeSweeper::scanCache(const DirectoryHandle &root)
{
    const auto cache = root.openFolder(cacheFolder);
    const auto entries =
        cache ? cache->entries()
              : Expected<QList<DirectoryHandle::Entry>, int>(Unexpected(cache.error()));
    if (!entries) {
        m_context.log().warning(
            QStringLiteral("Cannot list the cache: cached copies kept"),
            {{QStringLiteral("path"), cacheFolder},
             {QStringLiteral("error"), DirectoryHandle::errorText(entries.error())}});
        return;
    }
    for (const DirectoryHandle::Entry &entry : entries.value()) {
        if (entry.kind == DirectoryHandle::Kind::Symlink) {
            ++m_counts.skippedSymlinks;
            m_context.log().info(QStringLiteral("Skipped a symlink: never followed nor deleted"),
                                 {{QStringLiteral("path"), joined(cacheFolder, entry.name)}});
        } else if (entry.kind == DirectoryHandle::Kind::Folder && !entry.name.startsWith(u'.')) {
            m_cacheSizes.append(entry.name);
        }
    }
}

UploadTreeSweeper::Counts UploadTreeSweeper::clean()
{
    const qint64 total = m_files.size();
    m_context.setProgress(0, total, QStringLiteral("Checking uploads"));
    for (qint64 i = 0; i < total; ++i) {
        if (m_context.isStopRequested())
            break;
        handle(m_files.at(i));
        if ((i + 1) % progressEvery == 0)
            m_context.setProgress(i + 1, total, QStringLiteral("Checking uploads"));
    }
    m_open.clear();
    if (m_context.isStopRequested()) {
        m_counts.stopped = true;
        return m_counts;
    }
    m_context.setProgress(total, total, QStringLiteral("Removing empty folders"));
    removeEmptyFolders();
    m_open.clear();
    return m_counts;
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
    // Another folder: its handles are opened afresh from the root (see the class comment).
    if (const QString folder = parentOf(file.relative); folder != m_openFor) {
        m_open.clear();
        m_openFor = folder;
    }
    if (!removeUpload(file.relative))
        return;
    ++m_counts.deleted;
    forget(file.relative);
    removeCacheCopies(file.relative);
}

// Deletes one upload through its folder opened again from the root; false, counted in
// `errors` and logged, when the way there or the file is no longer what the scan saw.
bool UploadTreeSweeper::removeUpload(const QString &relative)
{
    const auto refuse = [&](const QString &why) {
        ++m_counts.errors;
        m_context.log().warning(
            QStringLiteral("Cannot delete an orphaned upload"),
            {{QStringLiteral("path"), relative}, {QStringLiteral("error"), why}});
        return false;
    };
    const Opened &opened = folder(parentOf(relative));
    if (!opened) {
        const Refusal &refusal = opened.error();
        return refuse(
            refusal.symlink
                ? QStringLiteral("the folder %1 is now a symlink; not followed").arg(refusal.folder)
                : QStringLiteral("cannot open the folder %1: %2")
                      .arg(refusal.folder, DirectoryHandle::errorText(refusal.error)));
    }
    const auto entry = opened->entry(nameOf(relative));
    if (!entry)
        return refuse(DirectoryHandle::errorText(entry.error()));
    if (entry->kind != DirectoryHandle::Kind::File)
        return refuse(QStringLiteral("no longer a regular file; left alone"));
    return removeFile(opened.value(), relative, entry->size);
}

bool UploadTreeSweeper::removeFile(const DirectoryHandle &folder, const QString &relative,
                                   qint64 size)
{
    const QVariantMap fields{{QStringLiteral("path"), relative}, {QStringLiteral("bytes"), size}};
    if (m_dryRun) {
        m_counts.bytesFreed += size;
        m_context.log().debug(QStringLiteral("Would delete an orphaned upload"), fields);
        return true;
    }
    if (const auto error = folder.removeFile(nameOf(relative))) {
        ++m_counts.errors;
        QVariantMap withError = fields;
        withError.insert(QStringLiteral("error"), DirectoryHandle::errorText(*error));
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
        const Opened &opened = folder(parentOf(copy));
        if (!opened) { // no copy of this size, or a symlink on the way
            if (opened.error().symlink)
                reportSymlink(opened.error().folder);
            continue;
        }
        const auto entry = opened->entry(nameOf(copy));
        if (entry && entry->kind == DirectoryHandle::Kind::Symlink)
            reportSymlink(copy);
        if (!entry || entry->kind != DirectoryHandle::Kind::File ||
            !removeFile(opened.value(), copy, entry->size))
            continue;
        ++m_counts.cacheCopiesDeleted;
        ++m_copiesGoneFrom[parentOf(copy)];
        for (QString folder = parentOf(copy); folder.count(u'/') > 1; folder = parentOf(folder))
            m_touchedCacheFolders.insert(folder);
    }
}

// A symlink met on the way to a cached copy: neither followed nor deleted, counted once.
void UploadTreeSweeper::reportSymlink(const QString &relative)
{
    if (m_reportedSymlinks.contains(relative))
        return;
    m_reportedSymlinks.insert(relative);
    ++m_counts.skippedSymlinks;
    m_context.log().info(QStringLiteral("Skipped a symlink: never followed nor deleted"),
                         {{QStringLiteral("path"), relative}});
}

// The folder `relative` ("" the root), opened now from the root handle one component at a
// time with O_NOFOLLOW, and kept in m_open; a symlink anywhere on the way refuses it.
const UploadTreeSweeper::Opened &UploadTreeSweeper::folder(const QString &relative)
{
    if (relative.isEmpty())
        return m_rootHandle;
    if (const auto known = m_open.find(relative); known != m_open.end())
        return known->second;
    Opened opened = [&]() -> Opened {
        const Opened &parent = folder(parentOf(relative));
        if (!parent)
            return Unexpected(parent.error());
        const QString name = nameOf(relative);
        auto child = parent->openFolder(name);
        if (child)
            return std::move(child).value();
        const auto entry = parent->entry(name);
        return Unexpected(Refusal{child.error(), relative,
                                  entry && entry->kind == DirectoryHandle::Kind::Symlink});
    }();
    return m_open.insert_or_assign(relative, std::move(opened)).first->second;
}

void UploadTreeSweeper::forget(const QString &relative)
{
    const auto it = m_entriesLeft.find(parentOf(relative));
    if (it != m_entriesLeft.end())
        --*it;
}

// The date folders the scan walked that hold nothing now, deepest first, each removed
// through its parent's handle opened again from the root.
void UploadTreeSweeper::removeEmptyFolders()
{
    QStringList folders = m_entriesLeft.keys();
    sortDeepestFirst(folders);
    for (const QString &relative : std::as_const(folders)) {
        if (m_entriesLeft.value(relative) != 0)
            continue;
        if (!m_dryRun) {
            const Opened &parent = folder(parentOf(relative));
            // rmdir removes only an empty folder: an upload that arrived meanwhile stays.
            const std::optional<int> error =
                parent ? parent->removeFolder(nameOf(relative)) : parent.error().error;
            m_open.erase(relative);
            if (error) {
                m_context.log().info(
                    QStringLiteral("Kept a folder"),
                    {{QStringLiteral("path"), relative},
                     {QStringLiteral("error"), DirectoryHandle::errorText(*error)}});
                continue;
            }
        }
        ++m_counts.foldersRemoved;
        forget(relative);
        m_context.log().debug(m_dryRun ? QStringLiteral("Would remove an empty folder")
                                       : QStringLiteral("Removed an empty folder"),
                              {{QStringLiteral("path"), relative}});
    }
    removeEmptyCacheFolders();
}

// Below `.cache/<size>/`, the date folders of deleted copies, when now empty. A dry run counts
// those that would be: nothing in them but the copies it would delete and the folders it would
// remove (it said "3 empty folders" where the real run then removed 6).
void UploadTreeSweeper::removeEmptyCacheFolders()
{
    if (m_dryRun) {
        countCacheFoldersThatWouldEmpty();
        return;
    }
    QStringList folders(m_touchedCacheFolders.cbegin(), m_touchedCacheFolders.cend());
    sortDeepestFirst(folders);
    for (const QString &relative : std::as_const(folders)) {
        const Opened &parent = folder(parentOf(relative));
        // Not empty (ENOTEMPTY) is the usual failure: the folder holds other copies.
        if (parent && !parent->removeFolder(nameOf(relative)))
            ++m_counts.foldersRemoved;
        m_open.erase(relative);
    }
}

void UploadTreeSweeper::countCacheFoldersThatWouldEmpty()
{
    QStringList folders(m_touchedCacheFolders.cbegin(), m_touchedCacheFolders.cend());
    sortDeepestFirst(folders);
    QHash<QString, qint64> goneFrom = m_copiesGoneFrom; // and, as counted, the folders
    for (const QString &relative : std::as_const(folders)) {
        const Opened &opened = folder(relative);
        const auto entries = opened ? opened->entries() : Unexpected(opened.error().error);
        if (!entries || entries->size() > goneFrom.value(relative))
            continue;
        ++m_counts.foldersRemoved;
        ++goneFrom[parentOf(relative)];
        m_context.log().debug(QStringLiteral("Would remove an empty folder"),
                              {{QStringLiteral("path"), relative}});
    }
}

} // namespace jc
