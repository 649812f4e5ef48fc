#pragma once

#include "jobs/UploadReferenceSet.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QString>

namespace jc {

class JobContext;

// Deletes the unreferenced files under one uploads root, with their cached resized copies,
// then the date folders that became empty (DOMAIN.md, "Orphaned Uploads Cleanup").
//
// Safety rules, each a "why" of this class:
// - Nothing outside the root is touched: the walk never follows a symlink, and a symlink
//   (to a file or a folder, anywhere below the root, broken or not) is neither followed nor
//   deleted; each one is counted in `skippedSymlinks` and logged. (The root itself may be a
//   symlink, to a mounted volume say: it is where the sweep starts, not something below it.)
// - Hidden entries are left alone, except `<root>/.cache`, which is not walked as uploads:
//   `.cache/<size>/<rel>` copies are removed together with the original `<rel>` (and count
//   in `cacheCopiesDeleted` and `bytesFreed`, not in `deleted`). A cached copy whose
//   original is already gone is left to the app's cache, which may name copies differently.
// - Files modified less than the grace period before `now` are kept (`keptTooYoung`): an
//   upload is written before the block that uses it is saved.
// - A file that cannot be deleted is logged and counted in `errors`; the sweep goes on.
// - Only date folders (`YYYY`, `YYYY/MM`, `YYYY/MM/DD`, also below `.cache/<size>/`) that are
//   empty after the sweep are removed, deepest first, so a whole empty tree goes in one run;
//   the root and any other folder are never removed.
// - A dry run deletes nothing and counts what a real run would delete and remove.
// - The stop token is checked between files; a stopped sweep leaves folders alone.
//
// Used on the worker thread that runs the job.
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

        QJsonObject toJson() const;
    };

    UploadTreeSweeper(JobContext &context, QString root, const UploadReferenceSet &references,
                      QDateTime keepNewerThan);

    Counts sweep();

private:
    struct Candidate
    {
        QString relative; // "2025/11/17/a.png"
        qint64 size = 0;
        QDateTime modified;
    };

    void walk();
    void walkFolder(const QString &relative);
    void walkCache();
    void handle(const Candidate &file);
    bool removeFile(const QString &relative, qint64 size);
    void removeCacheCopies(const QString &relative);
    bool isRealFolderChain(const QString &relative);
    void removeEmptyFolders();
    void removeEmptyCacheFolders();
    void forget(const QString &relative); // one entry fewer in its folder
    QString absolute(const QString &relative) const;

    JobContext &m_context;
    QString m_root;
    const UploadReferenceSet &m_references;
    QDateTime m_keepNewerThan;
    bool m_dryRun = false;
    Counts m_counts;
    QList<Candidate> m_files;
    QStringList m_pending;                // folders still to list
    QHash<QString, qint64> m_entriesLeft; // folder (relative, "" = root) -> entries in it
    QStringList m_cacheSizes;             // "300" for .cache/300
    QHash<QString, bool> m_realFolders;   // relative folder -> no symlink on its way
    QSet<QString> m_touchedCacheFolders;
};

} // namespace jc
