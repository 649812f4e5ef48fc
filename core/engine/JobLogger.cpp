#include "engine/JobLogger.h"

#include "common/LogFields.h"
#include "engine/RunState.h"

namespace jc {

JobLogger::JobLogger(std::shared_ptr<RunState> run, const QLoggingCategory &category)
    : m_run(std::move(run))
    , m_category(category)
{}

void JobLogger::debug(const QString &message, const QVariantMap &fields)
{
    write(LogLevel::Debug, message, fields);
}

void JobLogger::info(const QString &message, const QVariantMap &fields)
{
    write(LogLevel::Info, message, fields);
}

void JobLogger::warning(const QString &message, const QVariantMap &fields)
{
    write(LogLevel::Warning, message, fields);
}

void JobLogger::error(const QString &message, const QVariantMap &fields)
{
    write(LogLevel::Error, message, fields);
}

void JobLogger::write(LogLevel level, const QString &message, const QVariantMap &fields)
{
    QVariantMap all = fields;
    all.insert(QStringLiteral("runId"), m_run->shownId());
    const QString line = LogFields::format(message, all);
    switch (level) {
    case LogLevel::Debug:
        qCDebug(m_category).noquote() << line;
        break;
    case LogLevel::Info:
        qCInfo(m_category).noquote() << line;
        break;
    case LogLevel::Warning:
        qCWarning(m_category).noquote() << line;
        break;
    case LogLevel::Error:
        qCCritical(m_category).noquote() << line;
        break;
    }
    m_run->appendLog(LogLine{m_run->nowMSecs(), level, message, fields});
}

} // namespace jc
