#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

// Log lines for systemd's journal. Under a unit, stderr is a stream the journal reads line by
// line; it stamps each line itself and takes a leading "<N>" as the line's priority
// (sd-daemon(3)). When stderr is that stream, install() replaces Qt's message format with
// "<N>category: message": the syslog priority of the message type (debug 7, info 6,
// warning 4, critical 3, fatal 2), no timestamp of its own (QT_MESSAGE_PATTERN is not used
// there), one prefix per line of a multi-line message. Elsewhere nothing changes.
class JournalLog
{
public:
    // Whether file descriptor `fd` is the stream $JOURNAL_STREAM names ("DEVICE:INODE",
    // systemd.exec(5)). The variable alone is not enough: a child whose stderr was redirected
    // to a file or a pipe inherits it all the same.
    static bool isJournalStream(const QByteArray &journalStream, int fd);
    // isJournalStream($JOURNAL_STREAM, stderr).
    static bool stderrIsJournal();

    // Installs the journal's format when stderr is the journal; returns whether it did.
    static bool install();

    static int priority(QtMsgType type);
    // "<N>" for `type`, for lines written without Qt's logging (a command's error line).
    static QByteArray prefix(QtMsgType type);
    // One message as the journal gets it, ending with a line break. `category` "default"
    // (plain qWarning()) is left out, as Qt's own format does.
    static QByteArray format(QtMsgType type, const char *category, const QString &message);
};
