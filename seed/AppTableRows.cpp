#include "seed/AppTableRows.h"

namespace jc {

RowBatcher AppTableRows::users(const QSqlDatabase &db)
{
    return {db,
            QStringLiteral("users"),
            {QStringLiteral("id"), QStringLiteral("email"), QStringLiteral("name"),
             QStringLiteral("created_at"), QStringLiteral("updated_at"),
             QStringLiteral("free_credits"), QStringLiteral("paid_credits"),
             QStringLiteral("monthly_credit_limit")}};
}

RowBatcher AppTableRows::creditPurchases(const QSqlDatabase &db)
{
    return {db,
            QStringLiteral("credit_purchases"),
            {QStringLiteral("id"), QStringLiteral("created_at"), QStringLiteral("updated_at"),
             QStringLiteral("user_id"), QStringLiteral("credits"), QStringLiteral("amount_paid"),
             QStringLiteral("stripe_session_id"), QStringLiteral("stripe_payment_id"),
             QStringLiteral("stripe_customer_id"), QStringLiteral("receipt_url"),
             QStringLiteral("status")}};
}

RowBatcher AppTableRows::blocks(const QSqlDatabase &db)
{
    return {db,
            QStringLiteral("blocks"),
            {QStringLiteral("id"), QStringLiteral("owner_id"), QStringLiteral("type"),
             QStringLiteral("context"), QStringLiteral("data"), QStringLiteral("ordering"),
             QStringLiteral("points"), QStringLiteral("validation_required")}};
}

} // namespace jc
