#include "seed/UploadTreeWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace jc {

UploadTreeWriter::UploadTreeWriter(QString root)
    : m_root(QDir::cleanPath(QDir(root).absolutePath()))
{}

QString UploadTreeWriter::datedPath(const QDateTime &time, const QString &fileName)
{
    return time.toUTC().date().toString(QStringLiteral("yyyy/MM/dd/")) + fileName;
}

std::optional<QString> UploadTreeWriter::ensureFolder(const QString &absoluteFolder)
{
    // Remember each folder this call creates, parents first, so removeWritten() can undo it.
    QStringList missing;
    for (QString folder = absoluteFolder; !QFileInfo::exists(folder);
         folder = QFileInfo(folder).path())
        missing.prepend(folder);
    for (const QString &folder : std::as_const(missing)) {
        if (!QDir().mkdir(folder))
            return QStringLiteral("Could not create the folder %1: check that the uploads "
                                  "folder is writable, or pick another with --uploads")
                .arg(folder);
        m_folders.append(folder);
    }
    return std::nullopt;
}

std::optional<QString> UploadTreeWriter::write(const QString &relativePath,
                                               const QByteArray &content, const QDateTime &modified)
{
    const QString path = m_root + u'/' + relativePath;
    if (auto error = ensureFolder(QFileInfo(path).path()))
        return error;
    if (QFileInfo::exists(path))
        return QStringLiteral("%1 exists already, and the seed overwrites nothing").arg(path);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return QStringLiteral("Could not create %1: %2").arg(path, file.errorString());
    if (file.write(content) != content.size())
        return QStringLiteral("Could not write %1: %2").arg(path, file.errorString());
    m_files.append(path);
    m_bytes += content.size();
    // Flush first: QFile buffers, and bytes written after setFileTime() (at close) would set
    // the modification time back to now, making every file look "too young" to the cleanup.
    if (!file.flush() || !file.setFileTime(modified, QFileDevice::FileModificationTime))
        return QStringLiteral("Could not set the modification time of %1: %2")
            .arg(path, file.errorString());
    return std::nullopt;
}

std::optional<QString> UploadTreeWriter::makeFolder(const QString &relativePath)
{
    return ensureFolder(m_root + u'/' + relativePath);
}

void UploadTreeWriter::removeWritten()
{
    // Newest first: files before the folders that hold them, inner folders before outer.
    // (Index loops: clang-tidy 14 cannot parse libstdc++ 12's std::ranges::reverse_view.)
    for (qsizetype i = m_files.size() - 1; i >= 0; --i)
        QFile::remove(m_files.at(i));
    for (qsizetype i = m_folders.size() - 1; i >= 0; --i)
        QDir().rmdir(m_folders.at(i));
    m_files.clear();
    m_folders.clear();
    m_bytes = 0;
}

} // namespace jc
