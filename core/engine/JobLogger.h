#pragma once

#include <QLoggingCategory>
#include <QString>
#include <QVariantMap>

#include <memory>

namespace jc {

class RunState;
enum class LogLevel;

// A run's structured logger: message plus key/value fields. Each line goes to the job's
// QLoggingCategory (jc.job.<slug>) as "message key=value ..." and into the run's own log,
// which is bounded: past the limit one marker line says how much was cut.
class JobLogger
{
public:
    JobLogger(std::shared_ptr<RunState> run, const QLoggingCategory &category);

    void debug(const QString &message, const QVariantMap &fields = {});
    void info(const QString &message, const QVariantMap &fields = {});
    void warning(const QString &message, const QVariantMap &fields = {});
    void error(const QString &message, const QVariantMap &fields = {});
    void write(LogLevel level, const QString &message, const QVariantMap &fields);

private:
    std::shared_ptr<RunState> m_run;
    const QLoggingCategory &m_category;
};

} // namespace jc
