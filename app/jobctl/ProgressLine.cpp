#include "ProgressLine.h"

#include <QLocale>

#include <mutex>

#include <unistd.h>

namespace {

// The terminal, shared by the progress line (GUI-less main thread) and log lines (any thread).
std::mutex terminal;
ProgressLine *shown = nullptr; // the line shown now, if any; under `terminal`
// The handler before ProgressLine's, which writes the log line. Kept beyond a line's life: a
// message already inside beforeLogLine while the line goes still reaches it.
QtMessageHandler previousHandler = nullptr; // under `terminal`

} // namespace

ProgressLine::ProgressLine(QTextStream &out, bool enabled)
    : m_out(out)
    , m_enabled(enabled && ::isatty(STDOUT_FILENO))
{
    if (!m_enabled)
        return;
    const QtMessageHandler previous = qInstallMessageHandler(&ProgressLine::beforeLogLine);
    const std::lock_guard lock(terminal);
    previousHandler = previous;
    shown = this;
}

ProgressLine::~ProgressLine()
{
    if (!m_enabled)
        return;
    QtMessageHandler previous = nullptr;
    {
        const std::lock_guard lock(terminal);
        shown = nullptr;
        previous = previousHandler;
    }
    qInstallMessageHandler(previous);
}

void ProgressLine::beforeLogLine(QtMsgType type, const QMessageLogContext &context,
                                 const QString &message)
{
    QtMessageHandler next = nullptr;
    {
        const std::lock_guard lock(terminal);
        if (shown)
            shown->eraseHoldingTheTerminal();
        next = previousHandler;
    }
    if (next)
        next(type, context, message);
}

void ProgressLine::show(qint64 done, qint64 total, const QString &text)
{
    if (!m_enabled)
        return;
    constexpr int barWidth = 24;
    const QLocale locale;
    QString line;
    if (total > 0) {
        const int filled = int(done * barWidth / total);
        line = u'[' + QString(filled, u'#') + QString(barWidth - filled, u'-') + u']' +
               QStringLiteral(" %1%  %2 of %3")
                   .arg(int(done * 100 / total), 3)
                   .arg(locale.toString(done), locale.toString(total));
    } else {
        line = QStringLiteral("%1 done").arg(locale.toString(done));
    }
    if (!text.isEmpty())
        line += u' ' + text;
    line = line.left(120);
    const std::lock_guard lock(terminal);
    m_out << '\r' << line.leftJustified(m_width);
    m_out.flush();
    m_width = line.size();
}

void ProgressLine::clear()
{
    if (!m_enabled)
        return;
    const std::lock_guard lock(terminal);
    eraseHoldingTheTerminal();
}

void ProgressLine::eraseHoldingTheTerminal()
{
    if (m_width == 0)
        return;
    m_out << '\r' << QString(m_width, u' ') << '\r';
    m_out.flush();
    m_width = 0;
}
