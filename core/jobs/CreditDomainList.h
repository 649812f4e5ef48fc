#pragma once

#include "common/Expected.h"

#include <QList>
#include <QPair>
#include <QString>

namespace jc {

// The app's CUSTOM_CREDIT_DOMAINS: per e-mail domain the monthly allowance it gives at
// sign-up, as "@school.example:40,@uni.example:30". The top-up does not need it to decide
// anything (every user's own monthly_credit_limit counts); it reports it as the configured
// tiers, and a value the app would misread is refused here with the item that is wrong.
// Stateless; any thread.
class CreditDomainList
{
public:
    using Entries = QList<QPair<QString, int>>;

    static constexpr int maximumCredits = 1000000;

    // Empty (or only spaces): no custom domains. Each item is "DOMAIN:CREDITS", DOMAIN
    // without spaces or ':', CREDITS a whole number from 0 to maximumCredits.
    static Expected<Entries, QString> parse(const QString &text);

    // The same text form, for logs.
    static QString format(const Entries &entries);
};

} // namespace jc
