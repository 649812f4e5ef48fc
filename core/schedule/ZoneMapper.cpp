#include "schedule/ZoneMapper.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace jc {

namespace {

// Chunks of 2^25 s (about 388 days) from 1800-01-01T00:00Z; 753 of them reach past 2600.
constexpr qint64 RangeStart = -5364662400;
constexpr int ChunkShift = 25;
constexpr qint64 ChunkSeconds = qint64(1) << ChunkShift;
constexpr qint64 ChunkCount = 753;
constexpr qint64 RangeEnd = RangeStart + ChunkCount * ChunkSeconds;

// The Gregorian calendar repeats every 400 years (146,097 days, a whole number of weeks), and
// so does every rule of a zone after its last explicit transition (tzdata's POSIX footer:
// "last Sunday of September at 02:00"), which is what QTimeZone::offsetFromUtc() applies.
constexpr qint64 GregorianCycleSeconds = qint64{146097} * 86400;
static_assert(RangeEnd - GregorianCycleSeconds > 2524608000, // 2050-01-01: past tzdata's tables
              "the folded range must lie where only the zone's rule applies");

// Far enough to never be reached, near enough that adding an offset cannot overflow.
constexpr qint64 Forever = qint64(1) << 62;

// Qt's list of transitions misses the first change of a zone's rule after its explicit TZif
// data: in 2038 for most zones (a query across 2038 loses every later one), in 2087 for
// Asia/Gaza and Asia/Hebron. Everywhere else it is exact (checked for every zone of Debian 12's
// tzdata over 1800-2600 against a daily scan). So 2037-2040 is sampled daily, and elsewhere a
// sample every 61 days is the safety net that finds, by bisection, a change Qt did not report
// (every offset change Qt misses there begins a season of months).
constexpr qint64 DenseFrom = 2114380800;  // 2037-01-01T00:00:00Z
constexpr qint64 DenseUntil = 2240611200; // 2041-01-01T00:00:00Z
constexpr qint64 DenseSampleStep = 86400;
constexpr qint64 SparseSampleStep = qint64{61} * 86400;

} // namespace

std::shared_ptr<const ZoneMapper> ZoneMapper::forZone(const QTimeZone &zone)
{
    static std::mutex mutex;
    static QHash<QByteArray, std::shared_ptr<const ZoneMapper>> mappers;

    // Zones without transitions (UTC, fixed offsets, custom zones) are keyed by their offset:
    // a custom zone may carry any id, even one that names a real zone.
    const QByteArray key =
        zone.hasTransitions()
            ? zone.id()
            : "fixed:" +
                  QByteArray::number(zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(0, Qt::UTC)));
    const std::lock_guard lock(mutex);
    auto &mapper = mappers[key];
    if (!mapper)
        mapper = std::make_shared<const ZoneMapper>(zone);
    return mapper;
}

ZoneMapper::ZoneMapper(const QTimeZone &zone)
    : m_zone(QTimeZone::isTimeZoneIdAvailable(zone.id()) ? QTimeZone(zone.id()) : zone)
    , m_fixed(!zone.hasTransitions())
    , m_chunks(std::make_unique<std::atomic<const Chunk *>[]>(ChunkCount))
{
    // A fresh QTimeZone of our own: QTimeZone is reentrant, not thread-safe, and the caller
    // keeps using theirs.
    if (m_fixed)
        m_fixedOffset = m_zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(0, Qt::UTC));
}

ZoneMapper::~ZoneMapper() = default;

ZoneMapper::Span ZoneMapper::spanAt(qint64 utcSeconds) const
{
    if (m_fixed)
        return {-Forever, Forever, m_fixedOffset, m_fixedOffset};
    if (utcSeconds < RangeStart) {
        const int offset = chunk(0).offsetBefore;
        return {-Forever, RangeStart, offset, offset};
    }
    if (utcSeconds >= RangeEnd)
        return spanBeyondTable(utcSeconds);
    const qint64 index = (utcSeconds - RangeStart) >> ChunkShift;
    return spanInChunk(chunk(index), index, utcSeconds);
}

// Past the table the zone follows its rule alone, which repeats with the calendar: the span is
// the table's span 400 × k years earlier, moved forward again. Before, the last offset was
// frozen, and from 2600 on every summer midnight in Pacific/Auckland came out as 01:00+13:00.
ZoneMapper::Span ZoneMapper::spanBeyondTable(qint64 utcSeconds) const
{
    const qint64 cycles = (utcSeconds - RangeEnd) / GregorianCycleSeconds + 1;
    if (cycles > MaxCycles)
        return {utcSeconds, Forever, offsetAt(utcSeconds), offsetAt(utcSeconds)};
    const qint64 shift = cycles * GregorianCycleSeconds;
    const Span folded = spanAt(utcSeconds - shift);
    return {folded.start + shift, folded.end + shift, folded.offset, folded.previousOffset};
}

ZoneMapper::Span ZoneMapper::spanInChunk(const Chunk &c, qint64 index, qint64 utcSeconds) const
{
    const qint64 chunkStart = RangeStart + index * ChunkSeconds;
    const auto &list = c.transitions;
    const auto after = std::upper_bound(list.begin(), list.end(), utcSeconds,
                                        [](qint64 t, const Transition &tr) { return t < tr.at; });
    const qint64 end = after == list.end() ? chunkStart + ChunkSeconds : after->at;
    if (after == list.begin()) {
        // The span began in an earlier chunk. Only a recent start matters to a caller (the
        // overlap rule looks back at most MaxOffsetSeconds), so one chunk back is enough.
        if (index > 0) {
            const Chunk &previousChunk = chunk(index - 1);
            const auto &earlier = previousChunk.transitions;
            if (!earlier.empty() && earlier.back().at >= chunkStart - MaxOffsetSeconds) {
                const int before = earlier.size() > 1 ? earlier[earlier.size() - 2].offset
                                                      : previousChunk.offsetBefore;
                return {earlier.back().at, end, earlier.back().offset, before};
            }
        }
        return {chunkStart, end, c.offsetBefore, c.offsetBefore};
    }
    const auto current = after - 1;
    const int previous = current == list.begin() ? c.offsetBefore : (current - 1)->offset;
    return {current->at, end, current->offset, previous};
}

const ZoneMapper::Chunk &ZoneMapper::chunk(qint64 index) const
{
    const auto slot = static_cast<std::size_t>(index);
    if (const Chunk *c = m_chunks[slot].load(std::memory_order_acquire))
        return *c;
    const std::lock_guard lock(m_mutex);
    if (const Chunk *c = m_chunks[slot].load(std::memory_order_relaxed))
        return *c;
    auto owned = std::make_unique<const Chunk>(computeChunk(index));
    const Chunk *c = owned.get();
    m_ownedChunks.push_back(std::move(owned));
    m_chunks[slot].store(c, std::memory_order_release);
    return *c;
}

ZoneMapper::Chunk ZoneMapper::computeChunk(qint64 index) const
{
    const qint64 start = RangeStart + index * ChunkSeconds;
    const qint64 end = start + ChunkSeconds;
    std::vector<qint64> samples;
    const bool dense = start < DenseUntil && end > DenseFrom;
    const qint64 step = dense ? DenseSampleStep : SparseSampleStep;
    for (qint64 t = start; t < end; t += step)
        samples.push_back(t);
    samples.push_back(end - 1);
    // The transitions Qt reports are samples too (see the class comment for why they are not
    // used directly): a pair at - 1, at finds a change without bisection.
    const auto reported = m_zone.transitions(QDateTime::fromSecsSinceEpoch(start, Qt::UTC),
                                             QDateTime::fromSecsSinceEpoch(end - 1, Qt::UTC));
    for (const auto &transition : reported) {
        const qint64 at = transition.atUtc.toSecsSinceEpoch();
        if (at > start && at < end)
            samples.insert(samples.end(), {at - 1, at});
    }
    std::sort(samples.begin(), samples.end());
    samples.erase(std::unique(samples.begin(), samples.end()), samples.end());

    Chunk result;
    result.offsetBefore = offsetAt(start - 1);
    qint64 previous = start - 1;
    for (const qint64 sample : samples) {
        addChanges(previous, sample, result);
        previous = sample;
    }
    return result;
}

// Appends every change of offset in (from, to] to chunk, in order.
void ZoneMapper::addChanges(qint64 from, qint64 to, Chunk &chunk) const
{
    int current = chunk.transitions.empty() ? chunk.offsetBefore : chunk.transitions.back().offset;
    const int target = offsetAt(to);
    while (current != target) {
        qint64 low = from; // offset(low) == current
        qint64 high = to;  // offset(high) != current
        while (high - low > 1) {
            const qint64 middle = low + (high - low) / 2;
            (offsetAt(middle) == current ? low : high) = middle;
        }
        current = offsetAt(high);
        chunk.transitions.push_back({high, current});
        from = high;
    }
}

int ZoneMapper::offsetAt(qint64 utcSeconds) const
{
    return m_zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(utcSeconds, Qt::UTC));
}

} // namespace jc
