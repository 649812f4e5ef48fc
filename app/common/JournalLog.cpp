#include "JournalLog.h"

#include <QList>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace {

void writeToJournal(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray text = JournalLog::format(type, context.category, message);
    // One write() per message: lines of several threads do not interleave.
    qsizetype written = 0;
    while (written < text.size()) {
        const ssize_t n =
            ::write(STDERR_FILENO, text.constData() + written, std::size_t(text.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // nowhere left to say it
        written += n;
    }
}

} // namespace

bool JournalLog::isJournalStream(const QByteArray &journalStream, int fd)
{
    const QList<QByteArray> parts = journalStream.split(':');
    if (parts.size() != 2)
        return false;
    bool deviceOk = false;
    bool inodeOk = false;
    const qulonglong device = parts.at(0).toULongLong(&deviceOk);
    const qulonglong inode = parts.at(1).toULongLong(&inodeOk);
    struct stat status = {};
    if (!deviceOk || !inodeOk || ::fstat(fd, &status) != 0)
        return false;
    return qulonglong(status.st_dev) == device && qulonglong(status.st_ino) == inode;
}

bool JournalLog::stderrIsJournal()
{
    return isJournalStream(qgetenv("JOURNAL_STREAM"), STDERR_FILENO);
}

bool JournalLog::install()
{
    if (!stderrIsJournal())
        return false;
    qInstallMessageHandler(writeToJournal);
    return true;
}

int JournalLog::priority(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return 7;
    case QtInfoMsg:
        return 6;
    case QtWarningMsg:
        return 4;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 2;
    }
    return 6;
}

QByteArray JournalLog::prefix(QtMsgType type)
{
    return '<' + QByteArray::number(priority(type)) + '>';
}

QByteArray JournalLog::format(QtMsgType type, const char *category, const QString &message)
{
    QByteArray head = prefix(type);
    if (category && std::strcmp(category, "default") != 0)
        head += QByteArray(category) + ": ";
    // The journal splits at line breaks: every line gets the priority, the first the category.
    const QByteArray lead = prefix(type);
    QByteArray text;
    const QList<QByteArray> lines = message.toUtf8().split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i)
        text += (i == 0 ? head : lead) + lines.at(i) + '\n';
    return text;
}
