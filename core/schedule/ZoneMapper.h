#pragma once

#include <QTimeZone>
#include <QtGlobal>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace jc {

// The UTC offsets of one time zone as a table of spans, so that a schedule can turn wall times
// into instants without asking QTimeZone (or building a QDateTime) per candidate.
//
// Thread-safe: shared by every schedule in the same zone (forZone() keeps one per zone id).
// The table is filled lazily in chunks of about a year, each computed once under a mutex
// from QTimeZone::offsetFromUtc() and then read without locking.
//
// Why not QTimeZone::transitions() alone? In Qt 6.4 it misses the first change of a zone's rule
// after its explicit TZif data (2038; 2087 in Asia/Gaza), and a query across 2038 loses all
// later ones, while offsetFromUtc() keeps applying the rule. So the offsets decide: each chunk
// is sampled at the transitions Qt reports (a pair just before and at each), every 61 days as
// a safety net and every day in 2037-2040, and every change of offset between two samples is
// narrowed down to its exact second by bisection. A change that both starts and ends between
// two samples without Qt reporting it would be missed; tzdata has none (see ZoneMapper.cpp).
//
// The table covers 1800 to 2600. Before it, the offset at 1800 is assumed (local mean time;
// nothing is scheduled there). After it, the zone's rule repeats with the 400-year Gregorian
// cycle, so a later instant is looked up 400 × k years earlier: exact up to QDateTime's end.
class ZoneMapper
{
public:
    // Offsets are in seconds east of UTC; instants in seconds since the epoch.
    struct Span
    {
        qint64 start = 0;       // first instant with this offset (a transition or a chunk edge)
        qint64 end = 0;         // first instant after the span
        int offset = 0;         // offset during the span
        int previousOffset = 0; // offset just before start (== offset at a chunk edge)
    };

    // No offset is larger than this; wall times and instants are never further apart.
    static constexpr qint64 MaxOffsetSeconds = qint64{24} * 3600;

    // One mapper per zone id, created on first use. zone must be valid.
    static std::shared_ptr<const ZoneMapper> forZone(const QTimeZone &zone);

    explicit ZoneMapper(const QTimeZone &zone);
    ~ZoneMapper();
    ZoneMapper(const ZoneMapper &) = delete;
    ZoneMapper &operator=(const ZoneMapper &) = delete;

    // The span holding the instant utcSeconds.
    Span spanAt(qint64 utcSeconds) const;

private:
    struct Transition
    {
        qint64 at;
        int offset;
    };
    struct Chunk
    {
        int offsetBefore = 0;                // offset at the chunk's first instant - 1
        std::vector<Transition> transitions; // at in [chunk start, chunk end)
    };

    const Chunk &chunk(qint64 index) const;
    Chunk computeChunk(qint64 index) const;
    int offsetAt(qint64 utcSeconds) const;
    void addChanges(qint64 from, qint64 to, Chunk &chunk) const;
    Span spanInChunk(const Chunk &chunk, qint64 index, qint64 utcSeconds) const;
    Span spanBeyondTable(qint64 utcSeconds) const;

    // Past this many cycles (about 100 million years) instants are near QDateTime's end and
    // the offset is asked of Qt directly; no schedule reaches that far in practice.
    static constexpr qint64 MaxCycles = 250'000;

    QTimeZone m_zone;
    bool m_fixed = false;
    int m_fixedOffset = 0;
    mutable std::mutex m_mutex;
    mutable std::unique_ptr<std::atomic<const Chunk *>[]> m_chunks;
    mutable std::vector<std::unique_ptr<const Chunk>> m_ownedChunks;
};

} // namespace jc
