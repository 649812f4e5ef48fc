#pragma once

#include <QString>
#include <QTextStream>

// A live progress line on a terminal ("[#######-------]  45%  1,234 of 2,740  users"),
// redrawn in place; nothing when the output is not a terminal or when off.
class ProgressLine
{
public:
    ProgressLine(QTextStream &out, bool enabled);

    void show(qint64 done, qint64 total, const QString &text);
    void clear();

private:
    QTextStream &m_out;
    bool m_enabled;
    qsizetype m_width = 0;
};
