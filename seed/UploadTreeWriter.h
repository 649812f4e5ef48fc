#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace jc {

// Writes files into an uploads tree laid out as the app does (<YYYY>/<MM>/<DD>/<name>,
// cached copies under .cache/<size>/<YYYY>/<MM>/<DD>/<name>) with the modification time a
// real upload of that age would have, and can take back everything it wrote: the seed
// writes its files and its rows together, and undoes the files when the rows fail.
// Never overwrites: a file that exists already is an error. One thread.
class UploadTreeWriter
{
public:
    explicit UploadTreeWriter(QString root);

    [[nodiscard]] const QString &root() const { return m_root; }

    // "2026/11/17/<name>" for an upload made at `time` (UTC date, as the app names folders).
    static QString datedPath(const QDateTime &time, const QString &fileName);

    // Writes `content` to root/relativePath, creating folders, and sets its modification time.
    std::optional<QString> write(const QString &relativePath, const QByteArray &content,
                                 const QDateTime &modified);
    // Creates root/relativePath (and its parents) as an empty folder.
    std::optional<QString> makeFolder(const QString &relativePath);

    // Deletes the files written and the folders created, newest first (folders only when
    // empty: nothing that was there before is touched).
    void removeWritten();

    [[nodiscard]] qint64 filesWritten() const { return m_files.size(); }
    [[nodiscard]] qint64 bytesWritten() const { return m_bytes; }

private:
    std::optional<QString> ensureFolder(const QString &absoluteFolder);

    QString m_root;
    QStringList m_files;
    QStringList m_folders;
    qint64 m_bytes = 0;
};

} // namespace jc
