#pragma once

#include <QMutex>
#include <QStringList>
#include <QtGlobal>

// Collects every message Qt logs while it lives (from any thread), and restores the previous
// handler when it dies. Tests use it to check the wording admins rely on.
class LogCapture
{
public:
    LogCapture()
    {
        instance() = this;
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        instance() = nullptr;
    }
    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;

    QStringList lines() const
    {
        QMutexLocker lock(&m_mutex);
        return m_lines;
    }
    bool contains(const QString &text) const
    {
        const QStringList all = lines();
        return std::any_of(all.cbegin(), all.cend(),
                           [&](const QString &line) { return line.contains(text); });
    }

private:
    static LogCapture *&instance()
    {
        static LogCapture *current = nullptr;
        return current;
    }
    static void handle(QtMsgType, const QMessageLogContext &context, const QString &message)
    {
        if (LogCapture *self = instance()) {
            QMutexLocker lock(&self->m_mutex);
            self->m_lines.append(QString::fromLatin1(context.category) + QLatin1String(": ") +
                                 message);
        }
    }

    QtMessageHandler m_previous = nullptr;
    mutable QMutex m_mutex;
    QStringList m_lines;
};
