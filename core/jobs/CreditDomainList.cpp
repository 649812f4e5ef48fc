#include "jobs/CreditDomainList.h"

#include <QStringList>

namespace jc {

namespace {

Expected<QPair<QString, int>, QString> parseItem(const QString &item)
{
    const auto why = [&item](const QString &reason) {
        return QStringLiteral("\"%1\" %2 (give DOMAIN:CREDITS items like "
                              "\"@school.example:40,@uni.example:30\")")
            .arg(item, reason);
    };
    const QString trimmed = item.trimmed();
    if (trimmed.isEmpty())
        return why(QStringLiteral("is an empty item"));
    const qsizetype colon = trimmed.lastIndexOf(u':');
    if (colon < 0)
        return why(QStringLiteral("has no ':' between the domain and its credits"));
    const QString domain = trimmed.left(colon).trimmed();
    const QString number = trimmed.mid(colon + 1).trimmed();
    if (domain.isEmpty() || domain == QLatin1String("@"))
        return why(QStringLiteral("has no domain"));
    for (const QChar c : domain) {
        if (c.isSpace() || c == u':' || c == u',')
            return why(QStringLiteral("has a domain with a space or ':' in it"));
    }
    bool ok = false;
    const int credits = number.toInt(&ok);
    if (!ok || credits < 0 || credits > CreditDomainList::maximumCredits)
        return why(QStringLiteral("has credits \"%1\" that are not a whole number from 0 to %2")
                       .arg(number)
                       .arg(CreditDomainList::maximumCredits));
    return qMakePair(domain, credits);
}

} // namespace

Expected<CreditDomainList::Entries, QString> CreditDomainList::parse(const QString &text)
{
    Entries entries;
    if (text.trimmed().isEmpty())
        return entries;
    const QStringList items = text.split(u',');
    for (const QString &item : items) {
        auto entry = parseItem(item);
        if (!entry)
            return entry.error();
        entries.append(entry.value());
    }
    return entries;
}

QString CreditDomainList::format(const Entries &entries)
{
    QStringList items;
    for (const auto &[domain, credits] : entries)
        items.append(domain + u':' + QString::number(credits));
    return items.join(u',');
}

} // namespace jc
