#pragma once

#include "seed/RowBatcher.h"

#include <QSqlDatabase>

namespace jc {

// Batches of rows for the app's own tables (APP-SCHEMA.md), with the columns both seeders
// (DemoDataSet, BulkDataGenerator) fill, in the order their rows give the values: one home
// for the column lists, so that a change of the app's schema is made once.
class AppTableRows
{
public:
    // id, email, name, created_at, updated_at, free_credits, paid_credits,
    // monthly_credit_limit
    [[nodiscard]] static RowBatcher users(const QSqlDatabase &db);
    // id, created_at, updated_at, user_id, credits, amount_paid, stripe_session_id,
    // stripe_payment_id, stripe_customer_id, receipt_url, status
    [[nodiscard]] static RowBatcher creditPurchases(const QSqlDatabase &db);
    // id, owner_id, type, context, data, ordering, points, validation_required
    [[nodiscard]] static RowBatcher blocks(const QSqlDatabase &db);
};

} // namespace jc
