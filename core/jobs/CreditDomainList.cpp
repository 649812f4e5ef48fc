#include "jobs/CreditDomainList.h"

#include <algorithm>

namespace jc {

namespace {

// The item's domain and credits, or why the item is skipped.
struct Item
{
    QString domain;
    int credits = 0;
    QString skipped;
};

Item parseItem(const QString &item)
{
    const auto skip = [&item](const QString &reason) {
        return Item{{}, 0, QStringLiteral("\"%1\" %2").arg(item, reason)};
    };
    const QString trimmed = item.trimmed();
    if (trimmed.isEmpty())
        return skip(QStringLiteral("is an empty item"));
    const QStringList parts = trimmed.split(u':');
    if (parts.size() < 2)
        return skip(QStringLiteral("has no ':' between the domain and its credits"));
    if (parts.size() > 2)
        return skip(QStringLiteral("has more than one ':'"));
    const QString domain = parts.at(0).trimmed();
    const QString number = parts.at(1).trimmed();
    if (domain.isEmpty() || domain == QLatin1String("@"))
        return skip(QStringLiteral("has no domain"));
    for (const QChar c : domain) {
        if (c.isSpace())
            return skip(QStringLiteral("has a space in its domain"));
    }
    bool ok = false;
    const int credits = number.toInt(&ok); // like Atoi: digits with an optional sign
    if (!ok || credits < 0)
        return skip(QStringLiteral("has credits \"%1\" that are not a whole number from 0 to %2")
                        .arg(number)
                        .arg(CreditDomainList::maximumCredits));
    return {domain, credits, {}};
}

} // namespace

CreditDomainList::Reading CreditDomainList::parse(const QString &text)
{
    Reading reading;
    if (text.trimmed().isEmpty())
        return reading;
    const QStringList items = text.split(u',');
    for (const QString &itemText : items) {
        const Item item = parseItem(itemText);
        if (!item.skipped.isEmpty()) {
            reading.skipped.append(item.skipped);
            continue;
        }
        const auto same =
            std::find_if(reading.entries.begin(), reading.entries.end(),
                         [&](const auto &entry) { return entry.first == item.domain; });
        if (same != reading.entries.end())
            same->second = item.credits;
        else
            reading.entries.append({item.domain, item.credits});
    }
    return reading;
}

QString CreditDomainList::problem(const Reading &reading)
{
    if (reading.skipped.isEmpty())
        return {};
    return reading.skipped.join(QStringLiteral(", ")) +
           QStringLiteral(" (give DOMAIN:CREDITS items like "
                          "\"@school.example:40,@uni.example:30\")");
}

QString CreditDomainList::format(const Entries &entries)
{
    QStringList items;
    for (const auto &[domain, credits] : entries)
        items.append(domain + u':' + QString::number(credits));
    return items.join(u',');
}

} // namespace jc
