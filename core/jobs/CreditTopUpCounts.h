#pragma once

#include <QJsonObject>
#include <QMap>

namespace jc {

// What the Monthly Credit Top-Up did (or, in a dry run, would do) to some users: one batch,
// or the whole run when the batches are added up. The run's summary is toJson(). A batch
// counts its users and grants only; alreadyToppedUp and the skipped users are counted once
// per run, over all users, before the batches (CreditTopUpSql::survey).
struct CreditTopUpCounts
{
    // Users with one limit that were topped up, and the credits they got.
    struct Grant
    {
        qint64 users = 0;
        qint64 credits = 0;
    };

    qint64 usersScanned = 0;
    qint64 usersToppedUp = 0;
    qint64 creditsGranted = 0;
    // Top-ups of this period recorded before the run started (by an earlier, interrupted or
    // concurrent run).
    qint64 alreadyToppedUp = 0;
    // Below their limit but with negative free_credits: never touched, only counted.
    qint64 usersSkippedNegative = 0;
    // Without free_credits or monthly_credit_limit (NULL in the app's table): never owed.
    qint64 usersWithoutBalanceOrLimit = 0;
    // Users whose top-up of this period the web app's own scheduler wrote (without a period):
    // adopted as their grant (a dry run: would be), and counted in alreadyToppedUp.
    qint64 legacyGrantsAdopted = 0;
    // Top-up rows without a period written after the switch-over and since the start of the
    // month before this period: the web app's own scheduler still runs.
    qint64 legacyRowsSinceSwitchOver = 0;
    QMap<int, Grant> byLimit; // monthly_credit_limit -> grants

    void addGrant(int limit, qint64 users, qint64 credits);
    // Adds a batch's users and grants; the run-wide counts are left as they are.
    void add(const CreditTopUpCounts &other);

    // {"usersScanned": .., "usersToppedUp": .., "creditsGranted": .., "alreadyToppedUp": ..,
    //  "usersSkippedNegative": .., "usersWithoutBalanceOrLimit": .., "legacyGrantsAdopted": ..,
    //  "legacyRowsSinceSwitchOver": .., "byLimit": {"10": {"users": n, "credits": c}, ...}}
    [[nodiscard]] QJsonObject toJson() const;
};

} // namespace jc
