#pragma once

// A small, strict reader of OpenMetrics 1.0 text for the tests of the metrics endpoint: what
// Prometheus would refuse, it refuses, naming the line. Every family has a TYPE line before
// its samples, a family's samples are not interleaved with another's, sample names are the
// family's name with the suffixes its type allows, label values use only the format's
// escapes, values are numbers, no sample (name and labels) appears twice, and the text ends
// with "# EOF".
#include <QByteArray>
#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace jc::test {

using Labels = QMap<QString, QString>;

struct MetricSample
{
    QString name;
    Labels labels;
    double value = 0;
};

struct MetricFamily
{
    QString name;
    QString type;
    QString help;
    QString unit;
    QList<MetricSample> samples;
};

struct Exposition
{
    QList<MetricFamily> families;
    QString error; // empty: the text is valid

    const MetricFamily *family(const QString &name) const
    {
        for (const MetricFamily &family : families) {
            if (family.name == name)
                return &family;
        }
        return nullptr;
    }
    // The value of the sample `name` with exactly `labels`.
    std::optional<double> value(const QString &name, const Labels &labels = {}) const
    {
        for (const MetricFamily &family : families) {
            for (const MetricSample &sample : family.samples) {
                if (sample.name == name && sample.labels == labels)
                    return sample.value;
            }
        }
        return std::nullopt;
    }
    // Every sample named `name` whose labels include `subset`.
    QList<MetricSample> samples(const QString &name, const Labels &subset = {}) const
    {
        QList<MetricSample> found;
        for (const MetricFamily &family : families) {
            for (const MetricSample &sample : family.samples) {
                bool matches = sample.name == name;
                for (auto it = subset.cbegin(); matches && it != subset.cend(); ++it)
                    matches = sample.labels.value(it.key()) == it.value();
                if (matches)
                    found.append(sample);
            }
        }
        return found;
    }
};

namespace openmetrics {

// The character at `pos`, or a null one past the end (Qt 6.4 has no QString::value).
inline QChar charAt(const QString &text, qsizetype pos)
{
    return pos >= 0 && pos < text.size() ? text.at(pos) : QChar();
}

inline QStringList suffixesOf(const QString &type)
{
    if (type == QStringLiteral("counter"))
        return {QStringLiteral("_total"), QStringLiteral("_created")};
    if (type == QStringLiteral("histogram"))
        return {QStringLiteral("_bucket"), QStringLiteral("_sum"), QStringLiteral("_count"),
                QStringLiteral("_created")};
    if (type == QStringLiteral("info"))
        return {QStringLiteral("_info")};
    if (type == QStringLiteral("gauge") || type == QStringLiteral("unknown"))
        return {QString()};
    return {};
}

// Reads `{a="x",b="y"}` from `text` at `pos` (at the brace); advances `pos` past it.
inline std::optional<Labels> readLabels(const QString &text, qsizetype &pos)
{
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*"));
    Labels labels;
    ++pos; // '{'
    while (pos < text.size() && text.at(pos) != u'}') {
        const auto name = labelName.match(QStringView(text).mid(pos));
        if (!name.hasMatch())
            return std::nullopt;
        pos += name.capturedLength();
        if (text.mid(pos, 2) != QStringLiteral("=\""))
            return std::nullopt;
        pos += 2;
        QString value;
        for (;; ++pos) {
            if (pos >= text.size())
                return std::nullopt;
            const QChar c = text.at(pos);
            if (c == u'"')
                break;
            if (c == u'\\') {
                const QChar next = charAt(text, ++pos);
                if (next == u'n')
                    value += u'\n';
                else if (next == u'\\' || next == u'"')
                    value += next;
                else
                    return std::nullopt;
            } else {
                value += c;
            }
        }
        ++pos; // closing quote
        if (labels.contains(name.captured()))
            return std::nullopt;
        labels.insert(name.captured(), value);
        if (charAt(text, pos) == u',')
            ++pos;
        else if (charAt(text, pos) != u'}')
            return std::nullopt;
    }
    if (pos >= text.size())
        return std::nullopt;
    ++pos; // '}'
    return labels;
}

inline std::optional<double> readValue(const QString &text)
{
    if (text == QStringLiteral("+Inf"))
        return qInf();
    if (text == QStringLiteral("-Inf"))
        return -qInf();
    if (text == QStringLiteral("NaN"))
        return qQNaN();
    static const QRegularExpression number(
        QStringLiteral("^[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?$"));
    if (!number.match(text).hasMatch())
        return std::nullopt;
    return text.toDouble();
}

} // namespace openmetrics

inline Exposition parseOpenMetrics(const QByteArray &bytes)
{
    using namespace openmetrics;
    Exposition result;
    const QString text = QString::fromUtf8(bytes);
    if (!text.endsWith(QStringLiteral("\n# EOF\n")) && text != QStringLiteral("# EOF\n")) {
        result.error = QStringLiteral("does not end with \"# EOF\"");
        return result;
    }
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*"));
    static const QRegularExpression descriptor(
        QStringLiteral("^# (TYPE|HELP|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$"));
    const QStringList lines = text.chopped(1).split(u'\n');
    QSet<QString> seenFamilies;
    QSet<QString> seenSamples;
    const auto fail = [&](int line, const QString &why) {
        result.error = QStringLiteral("line %1: %2: %3").arg(line + 1).arg(why, lines.at(line));
        return result;
    };
    for (int i = 0; i + 1 < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (line.startsWith(u'#')) {
            const auto match = descriptor.match(line);
            if (!match.hasMatch())
                return fail(i, QStringLiteral("not a TYPE, HELP or UNIT line"));
            const QString name = match.captured(2);
            if (result.families.isEmpty() || result.families.last().name != name) {
                if (seenFamilies.contains(name))
                    return fail(i, QStringLiteral("family described twice"));
                if (!result.families.isEmpty() && result.families.last().type.isEmpty())
                    return fail(i, QStringLiteral("previous family has no TYPE"));
                seenFamilies.insert(name);
                result.families.append(MetricFamily{name, {}, {}, {}, {}});
            }
            MetricFamily &family = result.families.last();
            if (!family.samples.isEmpty())
                return fail(i, QStringLiteral("metadata after samples"));
            QString &field = match.captured(1) == QStringLiteral("TYPE")   ? family.type
                             : match.captured(1) == QStringLiteral("HELP") ? family.help
                                                                           : family.unit;
            if (!field.isEmpty())
                return fail(i, QStringLiteral("repeated metadata"));
            field = match.captured(3);
            if (match.captured(1) == QStringLiteral("TYPE") && suffixesOf(field).isEmpty())
                return fail(i, QStringLiteral("unknown type"));
            if (match.captured(1) == QStringLiteral("UNIT") && !name.endsWith(u'_' + family.unit))
                return fail(i, QStringLiteral("unit is not the name's suffix"));
            continue;
        }
        const auto name = metricName.match(line);
        if (!name.hasMatch())
            return fail(i, QStringLiteral("no metric name"));
        if (result.families.isEmpty() || result.families.last().type.isEmpty())
            return fail(i, QStringLiteral("sample outside a family with a TYPE"));
        MetricFamily &family = result.families.last();
        const QString sampleName = name.captured();
        if (!sampleName.startsWith(family.name) ||
            !suffixesOf(family.type).contains(sampleName.mid(family.name.size())))
            return fail(i, QStringLiteral("sample name does not fit family %1").arg(family.name));
        qsizetype pos = name.capturedLength();
        Labels labels;
        if (charAt(line, pos) == u'{') {
            const auto read = readLabels(line, pos);
            if (!read)
                return fail(i, QStringLiteral("malformed labels"));
            labels = *read;
        }
        if (charAt(line, pos) != u' ')
            return fail(i, QStringLiteral("no space before the value"));
        const auto value = readValue(line.mid(pos + 1));
        if (!value)
            return fail(i, QStringLiteral("value is not a number (or has a timestamp)"));
        QStringList key{sampleName};
        for (auto it = labels.cbegin(); it != labels.cend(); ++it)
            key << it.key() << it.value();
        if (seenSamples.contains(key.join(QChar(0))))
            return fail(i, QStringLiteral("sample repeated"));
        seenSamples.insert(key.join(QChar(0)));
        family.samples.append(MetricSample{sampleName, labels, *value});
    }
    if (!result.families.isEmpty() && result.families.last().type.isEmpty())
        result.error = QStringLiteral("last family has no TYPE");
    return result;
}

} // namespace jc::test
