#pragma once

#include <QByteArray>
#include <QString>

#include <initializer_list>
#include <utility>

namespace jc {

// Writes OpenMetrics 1.0 text (the exposition format Prometheus scrapes): each family's
// HELP, TYPE and UNIT lines, then its samples, and "# EOF" at the end. Label values and help
// texts are escaped as the format says (backslash, double quote, line feed), so a job named
// `a "b"\` cannot break a line. Families must be written one after the other, each followed
// by its own samples: the format forbids interleaving.
class OpenMetricsText
{
public:
    using Label = std::pair<const char *, QString>;

    // `type`: "gauge", "counter", "histogram", "info". `unit`: empty, or the name's suffix
    // ("seconds").
    void family(const QByteArray &name, const char *type, const char *help, const char *unit = "");
    // One sample line: NAME{LABELS} VALUE.
    void sample(const QByteArray &name, std::initializer_list<Label> labels,
                const QByteArray &value);

    // The text, ended with "# EOF"; the writer is empty afterwards.
    QByteArray finish();

    static QByteArray number(qint64 value) { return QByteArray::number(value); }
    static QByteArray number(quint64 value) { return QByteArray::number(value); }
    // Milliseconds as seconds with three decimals ("1767261600.123"): exact, unlike a double.
    static QByteArray seconds(qint64 msecs);
    // `value` with the escapes of a label value (without the quotes).
    static QByteArray escapeLabelValue(const QString &value);

private:
    QByteArray m_text;
};

} // namespace jc
