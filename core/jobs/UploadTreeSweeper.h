#pragma once

#include "jobs/DirectoryHandle.h"
#include "jobs/UploadReferenceSet.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include <cerrno>
#include <map>
#include <optional>

namespace jc {

class JobContext;

// Deletes the unreferenced uploads under one uploads root, with their cached resized copies,
// then the date folders that became empty (DOMAIN.md, "Orphaned Uploads Cleanup"). Two steps:
// scan() lists the uploads, clean() deletes; the job calls one after the other (tests change
// the tree in between to play a race).
//
// Safety rules, each a "why" of this class:
// - Only uploads are candidates: regular files whose path below the root is exactly
//   `YYYY/MM/DD/<file>` (four digits; month 01-12; day 01-31). Everything else is left
//   alone entirely, neither walked nor deleted nor removed when empty: files at the root
//   (`logo.png`), other folders (`avatars/`), folders almost shaped like dates
//   (`2025/november/`, `2025/13/`, `2025/11/7/`), and folders inside a day folder.
// - Nothing outside the root is touched, even when the tree changes during the sweep. The
//   root is resolved once (it may be a symlink, to a mounted volume say: it is where the
//   sweep starts, not something below it) and held open by its descriptor for the whole
//   sweep; everything below is reached from that handle one component at a time with
//   O_NOFOLLOW (DirectoryHandle), looked at with AT_SYMLINK_NOFOLLOW, and deleted with
//   unlinkat() relative to its folder's handle. A symlink found by the scan (to a file or a
//   folder, broken or not) is neither followed nor deleted; each is counted in
//   `skippedSymlinks` and logged.
// - clean() does not trust the scan's paths: it opens each date folder again from the root,
//   component by component, when it gets to its files. A folder swapped for a symlink
//   after the scan makes that open fail: its files are logged and counted in `errors`, not
//   deleted, and the link's target is never reached. (A folder's handle is kept while its
//   files are deleted, so a folder moved away meanwhile loses its own scanned files only.)
//   An upload that is no longer a regular file is refused the same way.
// - Hidden entries are left alone, except `<root>/.cache`, which is not walked as uploads:
//   `.cache/<size>/<YYYY>/<MM>/<DD>/<file>` copies are removed together with the original
//   (and count in `cacheCopiesDeleted` and `bytesFreed`, not in `deleted`), reached the same
//   way; a symlink on that path is skipped and counted. A cached copy whose original is
//   already gone is left to the app's cache, which may name copies differently.
// - Files modified less than the grace period before `now` are kept (`keptTooYoung`): an
//   upload is written before the block that uses it is saved.
// - A file that cannot be deleted is logged and counted in `errors`; the sweep goes on.
// - Only the date folders the scan walked (`YYYY`, `YYYY/MM`, `YYYY/MM/DD`, also below
//   `.cache/<size>/`) that are empty after the sweep are removed, deepest first, so a whole
//   empty tree goes in one run; rmdir (unlinkat AT_REMOVEDIR) removes only an empty folder,
//   through the same handles. The root and any other folder are never removed.
// - A dry run deletes nothing and counts what a real run would delete and remove; it opens
//   the same folders, so it reports the same refusals.
// - The stop token is checked between folders and files; a stopped sweep leaves folders
//   alone.
//
// Linux (POSIX descriptors). Used on the worker thread that runs the job.
class UploadTreeSweeper
{
public:
    struct Counts
    {
        qint64 filesScanned = 0;
        qint64 referenced = 0;
        qint64 deleted = 0;
        qint64 cacheCopiesDeleted = 0;
        qint64 bytesFreed = 0;
        qint64 foldersRemoved = 0;
        qint64 keptTooYoung = 0;
        qint64 skippedSymlinks = 0;
        qint64 errors = 0;
        bool stopped = false;

        [[nodiscard]] QJsonObject toJson() const;
    };

    // `root` is an absolute path.
    UploadTreeSweeper(JobContext &context, QString root, const UploadReferenceSet &references,
                      QDateTime keepNewerThan);

    // Opens the root and lists the uploads below it and the size folders of `.cache`.
    // Deletes nothing. Why the root cannot be opened (naming UPLOADS_DIR), or nothing.
    std::optional<QString> scan();
    // After scan(): deletes the unreferenced old uploads and their cached copies, then the
    // date folders left empty. Nothing when scan() failed or was not called.
    Counts clean();

private:
    struct Candidate
    {
        QString relative; // "2025/11/17/a.png"
        qint64 size = 0;
        QDateTime modified;
    };
    // Why a folder could not be opened at delete time: the errno, the folder (relative) that
    // failed, and whether that folder is now a symlink.
    struct Refusal
    {
        int error = 0;
        QString folder;
        bool symlink = false;
    };
    using Opened = Expected<DirectoryHandle, Refusal>;

    void scanFolder(const DirectoryHandle &folder, const QString &relative, int depth);
    void scanCache(const DirectoryHandle &root);
    void reportSymlink(const QString &relative);
    void handle(const Candidate &file);
    bool removeUpload(const QString &relative);
    bool removeFile(const DirectoryHandle &folder, const QString &relative, qint64 size);
    void removeCacheCopies(const QString &relative);
    const Opened &folder(const QString &relative);
    void removeEmptyFolders();
    void countCacheFoldersThatWouldEmpty();
    void removeEmptyCacheFolders();
    void forget(const QString &relative); // one entry fewer in its folder

    JobContext &m_context;
    QString m_root;
    const UploadReferenceSet &m_references;
    QDateTime m_keepNewerThan;
    bool m_dryRun = false;
    Counts m_counts;
    Opened m_rootHandle{Unexpected(Refusal{EBADF, QString(), false})};
    QList<Candidate> m_files;
    QHash<QString, qint64> m_entriesLeft; // date folder (relative) -> entries in it
    QStringList m_cacheSizes;             // "300" for .cache/300
    // Folders opened at delete time, by relative path; emptied when clean() gets to another
    // upload folder, so that a folder is opened afresh from the root for its own files.
    std::map<QString, Opened> m_open;
    QString m_openFor;
    QSet<QString> m_reportedSymlinks; // found at delete time: each counted once
    QSet<QString> m_touchedCacheFolders;
    QHash<QString, qint64> m_copiesGoneFrom; // cache folder -> copies deleted (dry run: would be)
};

} // namespace jc
