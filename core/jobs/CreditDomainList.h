#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <limits>

namespace jc {

// The app's CUSTOM_CREDIT_DOMAINS: per e-mail domain the monthly allowance it gives at
// sign-up, as "@school.example:40,@uni.example:30". The top-up does not need it to decide
// anything (every user's own monthly_credit_limit counts); it reports it as the configured
// tiers, read the way the app reads it, and says which items the app would not use.
// Stateless; any thread.
class CreditDomainList
{
public:
    using Entries = QList<QPair<QString, int>>;

    // The largest allowance the app's int columns (monthly_credit_limit) can hold.
    static constexpr int maximumCredits = std::numeric_limits<int>::max();

    struct Reading
    {
        Entries entries;     // in order of first appearance
        QStringList skipped; // per bad item why, like "\"@x\" has no ':' between ..."
    };

    // As the app reads it (internal/config/pricing.go, CustomDomains()): the text is split at
    // every ',', each item trimmed and split at ':' into exactly two parts, both trimmed, the
    // credits read with strconv.Atoi and kept when 0 or more; the app silently skips any
    // other item, and a later item for the same domain replaces an earlier one (it keeps a
    // map). Here a skipped item is named with its reason. Items the app keeps but no address
    // can ever match (no domain, "@" alone, a space in the domain) are skipped too, as are
    // credits above maximumCredits. Empty (or only spaces): no custom domains.
    static Reading parse(const QString &text);

    // Why `reading` skipped items, as one text ("" when it skipped none), for messages.
    static QString problem(const Reading &reading);

    // The same text form, for logs.
    static QString format(const Entries &entries);
};

} // namespace jc
