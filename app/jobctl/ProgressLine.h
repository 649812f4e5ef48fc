#pragma once

#include <QString>
#include <QTextStream>

// A live progress line on a terminal ("[#######-------]  45%  1,234 of 2,740 users"),
// redrawn in place; nothing when the output is not a terminal or when off.
//
// While it is shown, every log line (warnings and errors reach the terminal from any thread,
// through Qt's message handler) first erases it, so that the line starts at the left margin
// instead of after "... batches committed"; the next show() draws the progress again below.
// One at a time per process: it installs its message handler for its own lifetime.
class ProgressLine
{
public:
    ProgressLine(QTextStream &out, bool enabled);
    ~ProgressLine();
    ProgressLine(const ProgressLine &) = delete;
    ProgressLine &operator=(const ProgressLine &) = delete;

    void show(qint64 done, qint64 total, const QString &text);
    void clear();

private:
    static void beforeLogLine(QtMsgType type, const QMessageLogContext &context,
                              const QString &message);
    void eraseHoldingTheTerminal();

    QTextStream &m_out;
    bool m_enabled;
    qsizetype m_width = 0; // guarded by the terminal's mutex (ProgressLine.cpp)
};
