#include "engine/JobLogCategory.h"

namespace jc {

JobLogCategory::JobLogCategory(const QString &jobName)
    : m_name(nameFor(jobName))
    , m_category(m_name.constData(), QtInfoMsg)
{}

QByteArray JobLogCategory::nameFor(const QString &jobName)
{
    return "jc.job." + slugFor(jobName);
}

QByteArray JobLogCategory::slugFor(const QString &jobName)
{
    QByteArray slug;
    for (const QChar c : jobName.toLower()) {
        if (c.isLetterOrNumber() && c.unicode() < 128)
            slug += static_cast<char>(c.unicode());
        else if (!slug.isEmpty() && !slug.endsWith('-'))
            slug += '-';
    }
    while (slug.endsWith('-'))
        slug.chop(1);
    return slug.isEmpty() ? QByteArray("unnamed") : slug;
}

} // namespace jc
