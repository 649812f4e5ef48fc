#pragma once

#include <Qt>

namespace jc {

// Item data roles that more than one model answers and views read, beyond each model's own.
namespace ItemRole {
// QVariantList{done, total} on a cell to draw as a progress bar (ProgressDelegate); invalid
// for a cell without one.
constexpr int Progress = Qt::UserRole + 64;
} // namespace ItemRole

} // namespace jc
