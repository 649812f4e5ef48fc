#pragma once

#include "common/Expected.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace jc {

// One open folder, held by its file descriptor (POSIX, Linux), so that what is done in it
// (listing, opening a subfolder, deleting) happens in that very folder whatever its path
// comes to name meanwhile. Nothing here follows a symlink: a folder is opened with
// O_NOFOLLOW | O_DIRECTORY (a symlink there fails with ENOTDIR or ELOOP), entries are looked
// at with AT_SYMLINK_NOFOLLOW, and deletions are unlinkat() relative to the descriptor, which
// removes a name in this folder and never one a link points to. This is what lets
// UploadTreeSweeper delete below a root that other processes may change during the sweep.
//
// Move-only; closes its descriptor when destroyed. Failures are the errno value (see
// errorText()). Usable on any one thread at a time.
class DirectoryHandle
{
public:
    enum class Kind { File, Folder, Symlink, Other };

    // An entry as lstat() sees it: a symlink is a Symlink, whatever it points to.
    struct Entry
    {
        QString name;
        Kind kind = Kind::Other;
        qint64 size = 0;
        QDateTime modified; // UTC
    };

    DirectoryHandle() = default; // holds nothing: isValid() is false
    DirectoryHandle(const DirectoryHandle &) = delete;
    DirectoryHandle &operator=(const DirectoryHandle &) = delete;
    DirectoryHandle(DirectoryHandle &&other) noexcept;
    DirectoryHandle &operator=(DirectoryHandle &&other) noexcept;
    ~DirectoryHandle();

    // Opens the folder at `path`; its last component must not be a symlink (the components
    // before it are resolved by the system, as in any path).
    static Expected<DirectoryHandle, int> open(const QString &path);

    [[nodiscard]] bool isValid() const { return m_fd >= 0; }

    // The folder `name` in this one (one component, no '/'); a symlink there is refused.
    [[nodiscard]] Expected<DirectoryHandle, int> openFolder(const QString &name) const;
    // Every entry but "." and "..", in no particular order. An entry that disappears while
    // it is listed is left out; one that cannot be looked at is an Entry of Kind::Other.
    [[nodiscard]] Expected<QList<Entry>, int> entries() const;
    // The entry `name` in this folder.
    [[nodiscard]] Expected<Entry, int> entry(const QString &name) const;
    // unlinkat(name, 0): removes a file (or a symlink itself), never a folder. The errno
    // when it failed.
    [[nodiscard]] std::optional<int> removeFile(const QString &name) const;
    // unlinkat(name, AT_REMOVEDIR): removes an empty folder only. The errno when it failed.
    [[nodiscard]] std::optional<int> removeFolder(const QString &name) const;

    // A sentence for an errno value ("Not a directory").
    static QString errorText(int error);

private:
    explicit DirectoryHandle(int fd)
        : m_fd(fd)
    {}
    void close();

    int m_fd = -1;
};

} // namespace jc
