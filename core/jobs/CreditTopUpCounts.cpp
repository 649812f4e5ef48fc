#include "jobs/CreditTopUpCounts.h"

namespace jc {

void CreditTopUpCounts::addGrant(int limit, qint64 users, qint64 credits)
{
    Grant &grant = byLimit[limit];
    grant.users += users;
    grant.credits += credits;
    usersToppedUp += users;
    creditsGranted += credits;
}

void CreditTopUpCounts::add(const CreditTopUpCounts &other)
{
    usersScanned += other.usersScanned;
    for (auto it = other.byLimit.cbegin(); it != other.byLimit.cend(); ++it)
        addGrant(it.key(), it->users, it->credits);
}

QJsonObject CreditTopUpCounts::toJson() const
{
    QJsonObject limits;
    for (auto it = byLimit.cbegin(); it != byLimit.cend(); ++it)
        limits.insert(QString::number(it.key()),
                      QJsonObject{{QStringLiteral("users"), it->users},
                                  {QStringLiteral("credits"), it->credits}});
    return {{QStringLiteral("usersScanned"), usersScanned},
            {QStringLiteral("usersToppedUp"), usersToppedUp},
            {QStringLiteral("creditsGranted"), creditsGranted},
            {QStringLiteral("alreadyToppedUp"), alreadyToppedUp},
            {QStringLiteral("usersSkippedNegative"), usersSkippedNegative},
            {QStringLiteral("usersWithoutBalanceOrLimit"), usersWithoutBalanceOrLimit},
            {QStringLiteral("legacyGrantsAdopted"), legacyGrantsAdopted},
            {QStringLiteral("legacyRowsSinceSwitchOver"), legacyRowsSinceSwitchOver},
            {QStringLiteral("byLimit"), limits}};
}

} // namespace jc
