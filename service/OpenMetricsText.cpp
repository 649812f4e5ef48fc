#include "service/OpenMetricsText.h"

#include <cstdlib>

namespace jc {

void OpenMetricsText::family(const QByteArray &name, const char *type, const char *help,
                             const char *unit)
{
    QByteArray escapedHelp(help);
    escapedHelp.replace('\\', "\\\\").replace('\n', "\\n");
    m_text += "# TYPE " + name + ' ' + type + '\n';
    if (*unit != '\0')
        m_text += "# UNIT " + name + ' ' + unit + '\n';
    m_text += "# HELP " + name + ' ' + escapedHelp + '\n';
}

void OpenMetricsText::sample(const QByteArray &name, std::initializer_list<Label> labels,
                             const QByteArray &value)
{
    m_text += name;
    if (labels.size() > 0) {
        char separator = '{';
        for (const auto &[label, labelValue] : labels) {
            m_text += separator;
            m_text += label;
            m_text += "=\"" + escapeLabelValue(labelValue) + '"';
            separator = ',';
        }
        m_text += '}';
    }
    m_text += ' ' + value + '\n';
}

QByteArray OpenMetricsText::finish()
{
    m_text += "# EOF\n";
    return std::exchange(m_text, {});
}

QByteArray OpenMetricsText::seconds(qint64 msecs)
{
    const std::lldiv_t parts = std::lldiv(std::llabs(msecs), 1000);
    return (msecs < 0 ? "-" : "") + QByteArray::number(parts.quot) + '.' +
           QByteArray::number(parts.rem).rightJustified(3, '0');
}

QByteArray OpenMetricsText::escapeLabelValue(const QString &value)
{
    QByteArray escaped = value.toUtf8();
    escaped.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return escaped;
}

} // namespace jc
