#include "schedule/CronFieldParser.h"

#include <QStringList>

#include <algorithm>
#include <array>

namespace jc {

using FieldId = CronExpression::FieldId;
using Item = CronExpression::Item;
using L1 = QLatin1String;

struct CronFieldParser::Spec
{
    L1 name;
    int min = 0;
    int max = 0;
    int nameBase = 0;         // value of names[0]
    std::array<L1, 12> names; // empty strings when the field has no names
    L1 namesHint;             // appended to "is not a number"
};

namespace {

bool isDigits(const QString &text)
{
    if (text.isEmpty())
        return false;
    return std::ranges::all_of(text, [](QChar c) { return c >= u'0' && c <= u'9'; });
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

} // namespace

const CronFieldParser::Spec &CronFieldParser::specFor(FieldId id)
{
    static const std::array<Spec, CronExpression::FieldCount> specs = {{
        {L1("second"), 0, 59, 0, {}, {}},
        {L1("minute"), 0, 59, 0, {}, {}},
        {L1("hour"), 0, 23, 0, {}, {}},
        {L1("day-of-month"), 1, 31, 0, {}, {}},
        {L1("month"),
         1,
         12,
         1,
         {L1("JAN"), L1("FEB"), L1("MAR"), L1("APR"), L1("MAY"), L1("JUN"), L1("JUL"), L1("AUG"),
          L1("SEP"), L1("OCT"), L1("NOV"), L1("DEC")},
         L1(" or a month name (JAN-DEC)")},
        {L1("day-of-week"),
         0,
         7,
         0,
         {L1("SUN"), L1("MON"), L1("TUE"), L1("WED"), L1("THU"), L1("FRI"), L1("SAT")},
         L1(" or a weekday name (SUN-SAT)")},
    }};
    return specs[static_cast<std::size_t>(id)];
}

QString CronFieldParser::fieldName(FieldId id)
{
    return specFor(id).name;
}

CronFieldParser::CronFieldParser(FieldId id)
    : m_id(id)
    , m_spec(specFor(id))
{}

CronFieldParser::FieldResult CronFieldParser::parse(FieldId id, const QString &text)
{
    const CronFieldParser parser(id);
    CronExpression::Field field;
    field.text = text;
    for (const QString &part : text.split(QLatin1Char(','))) {
        if (part.isEmpty())
            return Unexpected(
                parser.error(QStringLiteral("empty item in the list %1").arg(quoted(text))));
        const ItemResult item = parser.parseItem(part);
        if (!item)
            return Unexpected(item.error());
        field.items.push_back(item.value());
    }
    return field;
}

CronFieldParser::ItemResult CronFieldParser::parseItem(const QString &text) const
{
    if (m_id == FieldId::DayOfMonth && text.contains(QLatin1Char('L'), Qt::CaseInsensitive)) {
        if (text.compare(L1("L"), Qt::CaseInsensitive) != 0) {
            return Unexpected(
                error(QStringLiteral("L (the last day of the month) must stand alone, as in "
                                     "\"L\" or \"1,L\"; got %1")
                          .arg(quoted(text))));
        }
        Item item;
        item.last = true;
        return item;
    }
    if (m_id == FieldId::DayOfWeek && text.contains(QLatin1Char('#')))
        return parseNth(text);

    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return parseBase(text, 1, false);
    const QString stepText = text.mid(slash + 1);
    if (stepText.contains(QLatin1Char('/')))
        return Unexpected(error(QStringLiteral("%1 has more than one step").arg(quoted(text))));
    const ValueResult step = parseStep(stepText);
    if (!step)
        return Unexpected(step.error());
    return parseBase(text.left(slash), step.value(), true);
}

// base: "*", "a" or "a-b"; with a step, "a" means a through the field's maximum.
CronFieldParser::ItemResult CronFieldParser::parseBase(const QString &base, int step,
                                                       bool hasStep) const
{
    Item item;
    item.step = step;
    if (base == L1("*")) {
        item.star = true;
        item.from = m_spec.min;
        item.to = m_id == FieldId::DayOfWeek ? 6 : m_spec.max;
        return item;
    }
    if (base.startsWith(QLatin1Char('*')))
        return Unexpected(error(QStringLiteral("%1: write * alone or as */n").arg(quoted(base))));
    const qsizetype dash = base.indexOf(QLatin1Char('-'));
    if (dash < 0) {
        const ValueResult value = parseValue(base);
        if (!value)
            return Unexpected(value.error());
        item.from = value.value();
        item.to = hasStep ? m_spec.max : item.from;
        return item;
    }
    const QString fromText = base.left(dash);
    const QString toText = base.mid(dash + 1);
    if (fromText.isEmpty() || toText.isEmpty())
        return Unexpected(
            error(QStringLiteral("range %1 needs a start and an end").arg(quoted(base))));
    const ValueResult from = parseValue(fromText);
    if (!from)
        return Unexpected(from.error());
    const ValueResult to = parseValue(toText);
    if (!to)
        return Unexpected(to.error());
    item.from = from.value();
    // "FRI-SUN": a weekday range ending on Sunday by name means Sunday at its end (7).
    item.to = m_id == FieldId::DayOfWeek && to.value() == 0 && !isDigits(toText) ? 7 : to.value();
    if (item.from > item.to)
        return Unexpected(error(QStringLiteral("range %1 is reversed").arg(base)));
    return item;
}

CronFieldParser::ItemResult CronFieldParser::parseNth(const QString &text) const
{
    const qsizetype hash = text.indexOf(QLatin1Char('#'));
    const QString dayText = text.left(hash);
    const QString nthText = text.mid(hash + 1);
    const QString forbidden = QStringLiteral("*-/#");
    const auto hasForbidden = [&forbidden](const QString &part) {
        return std::any_of(forbidden.begin(), forbidden.end(),
                           [&part](QChar c) { return part.contains(c); });
    };
    if (dayText.isEmpty() || hasForbidden(dayText) || hasForbidden(nthText)) {
        return Unexpected(
            error(QStringLiteral("%1: # needs a single weekday before it and a number after "
                                 "it, as in MON#2")
                      .arg(quoted(text))));
    }
    const ValueResult day = parseValue(dayText);
    if (!day)
        return Unexpected(day.error());
    if (!isDigits(nthText))
        return Unexpected(error(QStringLiteral("%1 after # is not a number").arg(quoted(nthText))));
    const int nth = nthText.size() > 2 ? 99 : nthText.toInt();
    if (nth < 1 || nth > 5)
        return Unexpected(error(QStringLiteral("#%1 is out of range 1-5").arg(nthText)));
    Item item;
    item.from = item.to = day.value();
    item.nth = nth;
    return item;
}

CronFieldParser::ValueResult CronFieldParser::parseValue(const QString &text) const
{
    if (isDigits(text)) {
        // More than 4 digits is out of range for every field, and would not fit an int.
        const int value = text.size() > 4 ? -1 : text.toInt();
        if (value < m_spec.min || value > m_spec.max) {
            return Unexpected(error(QStringLiteral("%1 is out of range %2-%3")
                                        .arg(text)
                                        .arg(m_spec.min)
                                        .arg(m_spec.max)));
        }
        return value;
    }
    for (std::size_t i = 0; i < m_spec.names.size(); ++i) {
        if (!m_spec.names[i].isEmpty() && text.compare(m_spec.names[i], Qt::CaseInsensitive) == 0)
            return m_spec.nameBase + static_cast<int>(i);
    }
    return Unexpected(
        error(QStringLiteral("%1 is not a number%2").arg(quoted(text), m_spec.namesHint)));
}

CronFieldParser::ValueResult CronFieldParser::parseStep(const QString &text) const
{
    if (!isDigits(text))
        return Unexpected(error(QStringLiteral("step %1 is not a number").arg(quoted(text))));
    const int step = text.size() > 4 ? 9999 : text.toInt();
    if (step < 1)
        return Unexpected(error(QStringLiteral("step %1 must be at least 1").arg(text)));
    return step;
}

ScheduleError CronFieldParser::error(const QString &reason) const
{
    return ScheduleError{m_spec.name, reason};
}

} // namespace jc
