#include "jobs/DirectoryHandle.h"

#include <QFile>
#include <QTimeZone>

#include <cerrno>
#include <memory>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jc {

namespace {

constexpr int folderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

DirectoryHandle::Kind kindOf(mode_t mode)
{
    if (S_ISLNK(mode))
        return DirectoryHandle::Kind::Symlink;
    if (S_ISDIR(mode))
        return DirectoryHandle::Kind::Folder;
    if (S_ISREG(mode))
        return DirectoryHandle::Kind::File;
    return DirectoryHandle::Kind::Other;
}

QDateTime modifiedOf(const struct stat &info)
{
    return QDateTime::fromMSecsSinceEpoch(
        qint64(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1'000'000, QTimeZone::utc());
}

// lstat() of `name` in the folder `fd`; the name as the system has it, bytes and all (a name
// that is not valid in the locale's encoding would not survive a round trip to QString).
Expected<DirectoryHandle::Entry, int> look(int fd, const QByteArray &name)
{
    struct stat info = {};
    if (::fstatat(fd, name.constData(), &info, AT_SYMLINK_NOFOLLOW) != 0)
        return Unexpected(errno);
    return DirectoryHandle::Entry{QFile::decodeName(name), kindOf(info.st_mode),
                                  qint64(info.st_size), modifiedOf(info)};
}

// Closes a DIR* (and the descriptor it owns) when it goes out of scope.
struct DirCloser
{
    void operator()(DIR *dir) const { closedir(dir); }
};

} // namespace

DirectoryHandle::DirectoryHandle(DirectoryHandle &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1))
{}

DirectoryHandle &DirectoryHandle::operator=(DirectoryHandle &&other) noexcept
{
    if (this != &other) {
        close();
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

DirectoryHandle::~DirectoryHandle()
{
    close();
}

void DirectoryHandle::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

Expected<DirectoryHandle, int> DirectoryHandle::open(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), folderFlags);
    if (fd < 0)
        return Unexpected(errno);
    return DirectoryHandle(fd);
}

Expected<DirectoryHandle, int> DirectoryHandle::openFolder(const QString &name) const
{
    const int fd = ::openat(m_fd, QFile::encodeName(name).constData(), folderFlags);
    if (fd < 0)
        return Unexpected(errno);
    return DirectoryHandle(fd);
}

Expected<QList<DirectoryHandle::Entry>, int> DirectoryHandle::entries() const
{
    // fdopendir() takes the descriptor it is given, so it gets a copy of ours; the copy
    // shares the read position, hence the rewind (a second listing starts at the top).
    const int copy = ::fcntl(m_fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        return Unexpected(errno);
    const std::unique_ptr<DIR, DirCloser> dir(::fdopendir(copy));
    if (!dir) {
        const int error = errno;
        ::close(copy);
        return Unexpected(error);
    }
    ::rewinddir(dir.get());
    QList<Entry> found;
    errno = 0;
    while (const dirent *item = ::readdir(dir.get())) {
        const QByteArray name(item->d_name);
        if (name != "." && name != "..") {
            auto looked = look(m_fd, name);
            if (looked)
                found.append(std::move(looked).value());
            else if (looked.error() != ENOENT)
                found.append({QFile::decodeName(name), Kind::Other, 0, QDateTime()});
        }
        errno = 0;
    }
    if (errno != 0)
        return Unexpected(errno);
    return found;
}

Expected<DirectoryHandle::Entry, int> DirectoryHandle::entry(const QString &name) const
{
    return look(m_fd, QFile::encodeName(name));
}

std::optional<int> DirectoryHandle::removeFile(const QString &name) const
{
    if (::unlinkat(m_fd, QFile::encodeName(name).constData(), 0) != 0)
        return errno;
    return std::nullopt;
}

std::optional<int> DirectoryHandle::removeFolder(const QString &name) const
{
    if (::unlinkat(m_fd, QFile::encodeName(name).constData(), AT_REMOVEDIR) != 0)
        return errno;
    return std::nullopt;
}

QString DirectoryHandle::errorText(int error)
{
    return qt_error_string(error);
}

} // namespace jc
