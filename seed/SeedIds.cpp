#include "seed/SeedIds.h"

namespace jc {

namespace {

QString hex(quint64 value, int digits)
{
    return QStringLiteral("%1").arg(value, digits, 16, QLatin1Char('0'));
}

QString format(quint64 high, quint64 low)
{
    // Version 4 and the RFC 4122 variant, as QUuid::createUuid() sets them.
    return hex(high >> 32, 8) + u'-' + hex((high >> 16) & 0xffff, 4) + QStringLiteral("-4") +
           hex(high & 0xfff, 3) + u'-' + hex(0x8000 | ((low >> 48) & 0x3fff), 4) + u'-' +
           hex(low & 0xffffffffffffULL, 12);
}

} // namespace

QString SeedIds::uuid(QRandomGenerator &random)
{
    const quint64 high = random.generate64();
    const quint64 low = random.generate64();
    return format(high, low);
}

QString SeedIds::indexed(quint64 tag, quint64 index)
{
    constexpr quint64 mask48 = (quint64(1) << 48) - 1;
    // Multiplying by an odd constant and adding is a bijection modulo 2^48: distinct indexes
    // give distinct leading 48 bits. The tag fills the rest.
    const quint64 scrambled = (index * 0x9E3779B97F4A7C15ULL + mix(tag)) & mask48;
    const quint64 high = (scrambled << 16) | ((tag >> 4) & 0xfff);
    return format(high, mix(tag ^ 0x5eed));
}

quint64 SeedIds::mix(quint64 value)
{
    quint64 z = value + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace jc
