#include "ProgressLine.h"

#include <QLocale>

#include <unistd.h>

ProgressLine::ProgressLine(QTextStream &out, bool enabled)
    : m_out(out)
    , m_enabled(enabled && ::isatty(STDOUT_FILENO))
{}

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
        line += QStringLiteral("  ") + text;
    line = line.left(120);
    m_out << '\r' << line.leftJustified(m_width);
    m_out.flush();
    m_width = line.size();
}

void ProgressLine::clear()
{
    if (!m_enabled || m_width == 0)
        return;
    m_out << '\r' << QString(m_width, u' ') << '\r';
    m_out.flush();
    m_width = 0;
}
