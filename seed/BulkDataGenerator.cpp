#include "seed/BulkDataGenerator.h"

#include "seed/AppTableRows.h"
#include "seed/RowBatcher.h"
#include "seed/SeedIds.h"
#include "seed/SeedTransaction.h"
#include "seed/UploadTreeWriter.h"
#include "storage/SqlErrors.h"
#include "storage/SqlTime.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

#include <memory>

namespace jc {

namespace {

constexpr qint64 daySecs = qint64(24) * 60 * 60;
constexpr qint64 progressEvery = 5000;

// Salts: each table's ids come from their own tag, so they never collide with each other.
enum class Salt : quint64 { Users = 1, Purchases = 2, Blocks = 3, Files = 4, Emails = 5 };

quint64 tagOf(quint64 seed, Salt salt)
{
    return SeedIds::mix(seed * 0x100 + quint64(salt));
}

struct Context
{
    QSqlDatabase db;
    SqlDialect dialect;
    const BulkDataGenerator::Options &options;
    QRandomGenerator random;
    BulkDataGenerator::Report report;
    QStringList existingUsers; // only with --users 0
    std::unique_ptr<SeedTransaction> transaction;

    [[nodiscard]] QVariant time(const QDateTime &at) const { return SqlTime::toSql(at, dialect); }

    QString userRef()
    {
        if (options.wanted.users > 0)
            return SeedIds::indexed(tagOf(options.seed, Salt::Users),
                                    quint64(random.bounded(options.wanted.users)));
        return existingUsers.at(random.bounded(int(existingUsers.size())));
    }

    void tell(const QString &what, qint64 done, qint64 total) const
    {
        if (options.progress && (done % progressEvery == 0 || done == total))
            options.progress(what, done, total);
    }

    std::optional<QString> begin()
    {
        transaction = std::make_unique<SeedTransaction>(db);
        return transaction->begin(dialect);
    }

    // Commits the chunk under way every rowsPerTransaction rows (after the batcher's flush).
    std::optional<QString> chunk(RowBatcher &batcher, qint64 done)
    {
        if (done % std::max<qint64>(1, options.rowsPerTransaction) != 0)
            return std::nullopt;
        if (auto error = batcher.flush())
            return error;
        if (auto error = transaction->commit())
            return error;
        return begin();
    }
};

std::optional<QString> loadExistingUsers(Context &c)
{
    QSqlQuery query(c.db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT id FROM users ORDER BY id")))
        return QStringLiteral("Could not read the users: %1")
            .arg(SqlErrors::text(query.lastError()));
    while (query.next())
        c.existingUsers.append(query.value(0).toString());
    if (c.existingUsers.isEmpty())
        return QStringLiteral("Purchases and blocks belong to users, and the database has none: "
                              "add --users N.");
    return std::nullopt;
}

std::optional<QString> writeUsers(Context &c)
{
    RowBatcher batcher = AppTableRows::users(c.db);
    const quint64 tag = tagOf(c.options.seed, Salt::Users);
    const QString emailTag = QString::number(tagOf(c.options.seed, Salt::Emails) & 0xffffffffU, 16);
    for (qint64 i = 0; i < c.options.wanted.users; ++i) {
        const quint32 roll = c.random.bounded(100U);
        const int limit = roll < 70 ? 10 : roll < 92 ? 25 : roll < 97 ? 40 : 30;
        const int free = c.random.bounded(0, limit + 6);
        const int paid = roll % 4 == 0 ? c.random.bounded(1, 300) : 0;
        const QVariant created =
            c.time(c.options.now.addSecs(-c.random.bounded(qint64(60), 900 * daySecs)));
        if (auto error =
                batcher.add({SeedIds::indexed(tag, quint64(i)),
                             QStringLiteral("user%1.%2@bench.example").arg(i).arg(emailTag),
                             QStringLiteral("Bench User %1").arg(i), created, created,
                             std::min(free, limit + 5), paid, limit}))
            return error;
        if (auto error = c.chunk(batcher, i + 1))
            return error;
        c.tell(QStringLiteral("users"), i + 1, c.options.wanted.users);
    }
    if (auto error = batcher.flush())
        return error;
    c.report.written.users = batcher.rowsWritten();
    return std::nullopt;
}

// A purchase row is written when its checkout starts, so a real table holds purchases in the
// order they were created: the i-th of n gets an even share of the last 400 days, oldest
// first, at a random moment within its share (the newest at least a minute old). Random ages
// in insertion order would scatter each day's rows over the whole table, which no live
// database does, and make any walk in time order a walk over random pages.
QDateTime purchaseCreatedAt(Context &c, qint64 i)
{
    const qint64 span = 400 * daySecs - 60;
    const qint64 n = std::max<qint64>(c.options.wanted.purchases, 1);
    const qint64 share = std::max<qint64>(span / n, 1);
    // i < n, so i * span stays below 2^63 up to 2^38 rows.
    const qint64 offset = i * span / n + c.random.bounded(share);
    return c.options.now.addSecs(-400 * daySecs + std::min(offset, span));
}

std::optional<QString> writePurchases(Context &c)
{
    RowBatcher batcher = AppTableRows::creditPurchases(c.db);
    static const QStringList statuses{QStringLiteral("completed"), QStringLiteral("pending"),
                                      QStringLiteral("failed"), QStringLiteral("cancelled")};
    const QVariant null(QMetaType::fromType<QString>());
    const quint64 tag = tagOf(c.options.seed, Salt::Purchases);
    for (qint64 i = 0; i < c.options.wanted.purchases; ++i) {
        const quint32 roll = c.random.bounded(100U);
        const QString &status = statuses.at(roll < 60 ? 0 : roll < 80 ? 1 : roll < 92 ? 2 : 3);
        const QString id = SeedIds::indexed(tag, quint64(i));
        const QString plain = QString(id).remove(u'-');
        const bool paid = roll < 60;
        const QVariant created = c.time(purchaseCreatedAt(c, i));
        const int pack = c.random.bounded(3);
        if (auto error = batcher.add(
                {id, created, created, c.userRef(), (pack + 1) * 50, (pack + 1) * 499,
                 QStringLiteral("cs_bench_") + plain,
                 paid ? QVariant(QStringLiteral("pi_bench_") + plain) : null,
                 QStringLiteral("cus_bench_") + plain.left(12),
                 paid ? QVariant(QStringLiteral("https://pay.stripe.com/receipts/bench/") + plain)
                      : null,
                 status}))
            return error;
        if (auto error = c.chunk(batcher, i + 1))
            return error;
        c.tell(QStringLiteral("purchases"), i + 1, c.options.wanted.purchases);
    }
    if (auto error = batcher.flush())
        return error;
    c.report.written.purchases = batcher.rowsWritten();
    return std::nullopt;
}

// Block j: 5 in 10 show a local upload (relative and absolute by turns), 1 in 10 mentions one
// in markdown, 2 in 10 an external image, 2 in 10 plain text. Without files the local ones
// are external too.
QString blockData(Context &c, qint64 j)
{
    const QString site = c.options.siteUrl;
    const qint64 kind = j % 10;
    QJsonObject data;
    if (kind < 6 && c.options.wanted.files > 0) {
        const QString path =
            BulkDataGenerator::filePath(c.options.seed, j % c.options.wanted.files, c.options.now);
        const QString url =
            (j % 2 == 0 ? QString() : site) + QStringLiteral("/static/uploads/") + path;
        data.insert(QStringLiteral("content"),
                    kind == 5 ? QStringLiteral("See ![here](%1) and go on.").arg(url) : url);
    } else if (kind < 8) {
        data.insert(QStringLiteral("content"),
                    QStringLiteral("https://cdn.example.net/img/%1.jpg").arg(j));
    } else {
        data.insert(QStringLiteral("content"),
                    QStringLiteral("Find the red door number %1.").arg(j));
    }
    return QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
}

std::optional<QString> writeBlocks(Context &c)
{
    RowBatcher batcher = AppTableRows::blocks(c.db);
    const quint64 tag = tagOf(c.options.seed, Salt::Blocks);
    for (qint64 j = 0; j < c.options.wanted.blocks; ++j) {
        const qint64 kind = j % 10;
        const QString type = kind < 5 || kind == 6 || kind == 7 ? QStringLiteral("image")
                             : kind == 5                        ? QStringLiteral("markdown")
                                                                : QStringLiteral("text");
        if (auto error = batcher.add({SeedIds::indexed(tag, quint64(j)), c.userRef(), type,
                                      QStringLiteral("game:%1").arg(j / 40), blockData(c, j),
                                      int(j % 40), c.random.bounded(0, 21), false}))
            return error;
        if (auto error = c.chunk(batcher, j + 1))
            return error;
        c.tell(QStringLiteral("blocks"), j + 1, c.options.wanted.blocks);
    }
    if (auto error = batcher.flush())
        return error;
    c.report.written.blocks = batcher.rowsWritten();
    return std::nullopt;
}

std::optional<QString> writeFiles(Context &c)
{
    UploadTreeWriter tree(c.options.uploadsDir);
    const QByteArray body(1500, 'x');
    for (qint64 k = 0; k < c.options.wanted.files; ++k) {
        const QString path = BulkDataGenerator::filePath(c.options.seed, k, c.options.now);
        const bool young = k % 50 == 49;
        const QDateTime modified =
            young ? c.options.now.addSecs(-3600)
                  : QDateTime(QDate::fromString(path.left(10), QStringLiteral("yyyy/MM/dd")),
                              QTime(12, 0), Qt::UTC);
        const QByteArray content = QByteArray("\x89PNG\r\n\x1a\n", 8) + body.left(int(k % 1400));
        if (auto error = tree.write(path, content, modified))
            return error;
        // Files k % 10 < 6 are referenced (blockData): k % 5 == 3 caches a referenced one (3)
        // and an orphaned one (8) in every ten.
        if (k % 5 == 3) {
            if (auto error = tree.write(QStringLiteral(".cache/400/") + path, content, modified))
                return error;
        }
        c.tell(QStringLiteral("files"), k + 1, c.options.wanted.files);
    }
    c.report.written.files = c.options.wanted.files;
    c.report.bytesWritten = tree.bytesWritten();
    return std::nullopt;
}

std::optional<QString> analyze(Context &c)
{
    QSqlQuery query(c.db);
    QString sql = QStringLiteral("VACUUM (ANALYZE) users, credit_purchases, blocks");
    if (c.dialect == SqlDialect::Sqlite)
        sql = QStringLiteral("ANALYZE");
    else if (c.dialect == SqlDialect::MySql)
        sql = QStringLiteral("ANALYZE TABLE users, credit_purchases, blocks");
    if (!query.exec(sql))
        return QStringLiteral("The rows are written, but %1 failed: %2")
            .arg(sql.section(u' ', 0, 0))
            .arg(SqlErrors::text(query.lastError()));
    return std::nullopt;
}

// SQLite, for this connection while it seeds: a cache large enough to hold the indexes'
// pages that random UUID keys touch, so that each page is written once per chunk instead of
// once per insert, and fewer automatic checkpoints (each rewrites pages into the database
// file at random). Restored afterwards; the transactions and their durability are unchanged.
std::optional<QString> tuneSqlite(Context &c, bool bulk)
{
    if (c.dialect != SqlDialect::Sqlite)
        return std::nullopt;
    QSqlQuery query(c.db);
    for (const QString &pragma :
         bulk ? QStringList{QStringLiteral("PRAGMA cache_size = -262144"),
                            QStringLiteral("PRAGMA wal_autocheckpoint = 20000")}
              : QStringList{QStringLiteral("PRAGMA cache_size = -2000"),
                            QStringLiteral("PRAGMA wal_autocheckpoint = 1000")}) {
        if (!query.exec(pragma))
            return QStringLiteral("%1 failed: %2").arg(pragma, SqlErrors::text(query.lastError()));
    }
    return std::nullopt;
}

std::optional<QString> writeAll(Context &c)
{
    if (auto error = tuneSqlite(c, true))
        return error;
    if (c.options.wanted.users == 0 &&
        (c.options.wanted.purchases > 0 || c.options.wanted.blocks > 0)) {
        if (auto error = loadExistingUsers(c))
            return error;
    }
    if (auto error = writeFiles(c))
        return error;
    for (auto writer : {&writeUsers, &writePurchases, &writeBlocks}) {
        if (auto error = c.begin())
            return error;
        if (auto error = writer(c))
            return error;
        if (auto error = c.transaction->commit())
            return error;
    }
    c.transaction.reset();
    if (auto error = tuneSqlite(c, false))
        return error;
    return analyze(c);
}

} // namespace

QString BulkDataGenerator::filePath(quint64 seed, qint64 index, const QDateTime &now)
{
    static const QStringList extensions{QStringLiteral(".jpg"), QStringLiteral(".png"),
                                        QStringLiteral(".JPG"), QStringLiteral(".webp")};
    const quint64 tag = tagOf(seed, Salt::Files);
    const quint64 mixed = SeedIds::mix(tag ^ quint64(index));
    const bool young = index % 50 == 49;
    const qint64 daysAgo = young ? 0 : qint64(2 + mixed % 730);
    return UploadTreeWriter::datedPath(young ? now.addSecs(-3600) : now.addDays(-daysAgo),
                                       SeedIds::indexed(tag, quint64(index)) +
                                           extensions.at(qsizetype((mixed >> 20) % 4)));
}

Expected<BulkDataGenerator::Report, QString>
BulkDataGenerator::write(ConnectionFactory &connections, const Options &options)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    const quint32 seeds[2] = {quint32(options.seed & 0xffffffffU), quint32(options.seed >> 32)};
    Context context{db.value(), connections.dialect(), options, QRandomGenerator(seeds, 2), {}, {},
                    nullptr};
    if (auto error = writeAll(context)) {
        const bool collided = error->contains(QLatin1String("UNIQUE"), Qt::CaseInsensitive) ||
                              error->contains(QLatin1String("duplicate"), Qt::CaseInsensitive) ||
                              error->contains(QLatin1String("exists already"));
        return Unexpected(*error +
                          (collided ? QStringLiteral(" The rows of this seed are there already: "
                                                     "use another --seed or a fresh database.")
                                    : QString()));
    }
    return context.report;
}

} // namespace jc
