#include "common/ProcessIdentity.h"

#include <QCoreApplication>
#include <QFile>
#include <QStringList>
#include <QSysInfo>

#include <optional>

namespace jc {

namespace {

// What a holder text holds.
struct Holder
{
    QString host;
    qint64 pid = 0;
    QString bootId;
    qint64 startTicks = 0;
};

std::optional<Holder> parse(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('/'));
    if (parts.size() != 4)
        return std::nullopt;
    bool pidOk = false;
    bool ticksOk = false;
    Holder holder{parts.at(0), parts.at(1).toLongLong(&pidOk), parts.at(2),
                  parts.at(3).toLongLong(&ticksOk)};
    if (!pidOk || !ticksOk || holder.pid <= 0 || holder.bootId.isEmpty())
        return std::nullopt;
    return holder;
}

// This host's boot id, read once: it cannot change while this process runs, and every
// liveness check (one per running row, per sweep, claim and console refresh) needs it.
const QString &bootId()
{
    static const QString id = [] {
        QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
        if (!file.open(QIODevice::ReadOnly))
            return QString();
        return QString::fromLatin1(file.readAll()).trimmed();
    }();
    return id;
}

// Field 22 of /proc/<pid>/stat: the start time in clock ticks after boot; nullopt when the
// process does not exist or is dead but not yet reaped (state Z or X, field 3: a killed
// process stays a zombie until its parent waits for it). The command name (field 2) is in
// parentheses and may hold spaces or parentheses itself, so the fields are counted from the
// last ')'.
std::optional<qint64> startTicks(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray stat = file.readAll();
    const qsizetype end = stat.lastIndexOf(')');
    if (end < 0)
        return std::nullopt;
    const QList<QByteArray> fields = stat.mid(end + 2).split(' '); // from field 3 on
    constexpr qsizetype StartTimeIndex = 22 - 3;
    if (fields.size() <= StartTimeIndex || fields.at(0) == "Z" || fields.at(0) == "X")
        return std::nullopt;
    bool ok = false;
    const qint64 ticks = fields.at(StartTimeIndex).toLongLong(&ok);
    return ok ? std::optional(ticks) : std::nullopt;
}

} // namespace

QString ProcessIdentity::currentHolder()
{
    static const QString holder = holderOf(QCoreApplication::applicationPid());
    return holder;
}

QString ProcessIdentity::holderOf(qint64 pid)
{
    const QString boot = bootId();
    const auto ticks = startTicks(pid);
    if (boot.isEmpty() || !ticks)
        return {};
    return QStringLiteral("%1/%2/%3/%4")
        .arg(QSysInfo::machineHostName())
        .arg(pid)
        .arg(boot)
        .arg(*ticks);
}

ProcessIdentity::Liveness ProcessIdentity::liveness(const QString &holderText)
{
    const auto holder = parse(holderText);
    if (!holder || holder->host != QSysInfo::machineHostName())
        return Liveness::Unknown;
    const QString &boot = bootId();
    if (boot.isEmpty())
        return Liveness::Unknown;
    if (boot != holder->bootId)
        return Liveness::Gone; // the host was restarted since
    const auto ticks = startTicks(holder->pid);
    return ticks && *ticks == holder->startTicks ? Liveness::Alive : Liveness::Gone;
}

QString ProcessIdentity::describe(const QString &holderText)
{
    const auto holder = parse(holderText);
    if (!holder)
        return holderText;
    return QStringLiteral("pid %1 on %2").arg(holder->pid).arg(holder->host);
}

} // namespace jc
