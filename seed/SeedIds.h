#pragma once

#include <QRandomGenerator>
#include <QString>
#include <QtGlobal>

namespace jc {

// Identifiers for generated rows, all derived from the seeded generator so that a seed
// repeats the same data set. Stateless; any thread.
class SeedIds
{
public:
    // A version-4-shaped UUID string ("8-4-4-4-12" lower-case hex) from `random`.
    static QString uuid(QRandomGenerator &random);

    // The `index`th UUID of a run tagged `tag`, computed rather than stored, so that a bulk
    // run of a million users can refer to user k without keeping a million strings. Unique
    // per (tag, index) for index < 2^48; the index is scrambled into the leading digits so
    // that the ids of one run are spread over the key space as real UUIDs are.
    static QString indexed(quint64 tag, quint64 index);

    // A well-mixed 64-bit value of `value` (splitmix64): per-index choices that must be
    // recomputable (a bulk file's date) without a generator's state.
    static quint64 mix(quint64 value);
};

} // namespace jc
