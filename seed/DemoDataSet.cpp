#include "seed/DemoDataSet.h"

#include "seed/AppTableRows.h"
#include "seed/DemoRunHistory.h"
#include "seed/RowBatcher.h"
#include "seed/SeedIds.h"
#include "seed/SeedTransaction.h"
#include "seed/UploadTreeWriter.h"
#include "storage/SqlErrors.h"
#include "storage/SqlTime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

namespace jc {

namespace {

constexpr int userCount = 300;
constexpr int purchaseCount = 400;
constexpr qint64 daySecs = qint64(24) * 60 * 60;

const QStringList firstNames{
    QStringLiteral("Anna"),  QStringLiteral("Ben"),  QStringLiteral("Chloé"),
    QStringLiteral("David"), QStringLiteral("Emma"), QStringLiteral("Felix"),
    QStringLiteral("Greta"), QStringLiteral("Hugo"), QStringLiteral("Ines"),
    QStringLiteral("Jonas"), QStringLiteral("Kira"), QStringLiteral("Lukas"),
    QStringLiteral("Mia"),   QStringLiteral("Noah"), QStringLiteral("Olga"),
    QStringLiteral("Paul"),  QStringLiteral("Rosa"), QStringLiteral("Sven")};
const QStringList lastNames{
    QStringLiteral("Bauer"),     QStringLiteral("Costa"),  QStringLiteral("Dubois"),
    QStringLiteral("Fischer"),   QStringLiteral("García"), QStringLiteral("Hansen"),
    QStringLiteral("Ivanova"),   QStringLiteral("Jensen"), QStringLiteral("Keller"),
    QStringLiteral("Lindqvist"), QStringLiteral("Müller"), QStringLiteral("Novak"),
    QStringLiteral("Okafor"),    QStringLiteral("Petrov"), QStringLiteral("Rossi")};
const QStringList places{QStringLiteral("the old fountain"),  QStringLiteral("the town hall"),
                         QStringLiteral("the harbour crane"), QStringLiteral("the clock tower"),
                         QStringLiteral("the market square"), QStringLiteral("the river bridge")};

QString json(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// One generated upload and what the demo does with it.
struct Upload
{
    enum class Use { RelativeBlock, AbsoluteBlock, Markdown, PlayerPhoto, Orphaned, TooYoung };
    Use use;
    QString path; // relative to the uploads root: 2026/11/17/<uuid>.png
    QDateTime uploadedAt;
};

struct Context
{
    QSqlDatabase db;
    SqlDialect dialect;
    const DemoDataSet::Options &options;
    QRandomGenerator random;
    UploadTreeWriter tree;
    DemoDataSet::Report report;
    QStringList userIds;
    QList<QDateTime> userCreated;
    QList<int> userLimits;
    QMap<QString, DemoRunHistory::TopUpTally> topUps;
    QList<Upload> uploads;

    [[nodiscard]] QVariant time(const QDateTime &at) const { return SqlTime::toSql(at, dialect); }
    [[nodiscard]] QDateTime ago(qint64 seconds) const { return options.now.addSecs(-seconds); }
    QString pick(const QStringList &list) { return list.at(random.bounded(int(list.size()))); }
    QString userId() { return userIds.at(random.bounded(int(userIds.size()))); }
    [[nodiscard]] QString siteRelative(const QString &path) const
    {
        return QStringLiteral("/static/uploads/") + path;
    }
    [[nodiscard]] QString absolute(const QString &path) const
    {
        return options.siteUrl + siteRelative(path);
    }
};

Expected<qint64, QString> countRows(QSqlDatabase &db, const QString &table)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table) || !query.next())
        return Unexpected(QStringLiteral("Could not count the rows of %1: %2")
                              .arg(table, SqlErrors::text(query.lastError())));
    return query.value(0).toLongLong();
}

std::optional<QString> refuseNonEmpty(QSqlDatabase &db)
{
    for (const QString &table : {QStringLiteral("users"), QStringLiteral("jc_runs")}) {
        const auto count = countRows(db, table);
        if (!count)
            return count.error();
        if (*count > 0)
            return QStringLiteral("The database already has %1 rows in %2: the demo only fills "
                                  "an empty database, so it never mixes with real data. Use a "
                                  "fresh one, e.g. `jobctl --db sqlite:/tmp/demo.db seed --demo "
                                  "--uploads /tmp/demo-uploads`.")
                .arg(*count)
                .arg(table);
    }
    return std::nullopt;
}

int limitFor(int index)
{
    const int slot = index % 20; // 12 of 20 regular, 5 educators, 3 custom domains
    if (slot < 12)
        return 10;
    if (slot < 17)
        return 25;
    return slot < 19 ? 40 : 30;
}

QString domainFor(int limit, Context &c)
{
    switch (limit) {
    case 25:
        return QStringLiteral("teachers.example");
    case 40:
        return QStringLiteral("school.example");
    case 30:
        return QStringLiteral("uni.example");
    default:
        return c.pick({QStringLiteral("mail.example"), QStringLiteral("post.example")});
    }
}

// Balances cycle per block of 20 users, so every limit gets every kind of balance.
int freeCreditsFor(int index, int limit, Context &c)
{
    switch ((index / 20) % 4) {
    case 0:
        return 0;
    case 1:
        return c.random.bounded(1, limit);
    case 2:
        return limit;
    default:
        return limit + c.random.bounded(1, 21); // granted by an admin or a gift
    }
}

std::optional<QString> writeUsers(Context &c)
{
    RowBatcher users = AppTableRows::users(c.db);
    for (int i = 0; i < userCount; ++i) {
        const int limit = limitFor(i);
        const QString first = c.pick(firstNames);
        const QString last = c.pick(lastNames);
        const QDateTime created = c.ago(c.random.bounded(qint64(2 * 3600), 730 * daySecs));
        const qint64 sinceCreated = created.secsTo(c.options.now);
        const QDateTime updated = created.addSecs(c.random.bounded(qint64(0), sinceCreated));
        const int paid = c.random.bounded(10) < 3 ? c.random.bounded(5, 201) : 0;
        const QString id = SeedIds::uuid(c.random);
        const QString email = QStringLiteral("%1.%2%3@%4")
                                  .arg(first.toLower(), last.toLower())
                                  .arg(i)
                                  .arg(domainFor(limit, c));
        if (auto error = users.add({id, email, first + u' ' + last, c.time(created),
                                    c.time(updated), freeCreditsFor(i, limit, c), paid, limit}))
            return error;
        c.userIds.append(id);
        c.userCreated.append(created);
        c.userLimits.append(limit);
        ++c.report.usersByLimit[limit];
    }
    return users.flush();
}

RowBatcher adjustmentBatcher(QSqlDatabase db)
{
    return RowBatcher(db, QStringLiteral("credit_adjustments"),
                      {QStringLiteral("id"), QStringLiteral("created_at"),
                       QStringLiteral("user_id"), QStringLiteral("credits"),
                       QStringLiteral("reason"), QStringLiteral("credit_purchase_id"),
                       QStringLiteral("period")});
}

QVariant nullText()
{
    return QVariant(QMetaType::fromType<QString>());
}

// The top-ups of the demo's months: about two users in three were below their limit.
std::optional<QString> writeTopUps(Context &c, RowBatcher &adjustments)
{
    for (const QDateTime &occurrence :
         DemoRunHistory::monthlyOccurrences(c.options.now, c.options.zone, 4)) {
        const QString period =
            occurrence.toTimeZone(c.options.zone).toString(QStringLiteral("yyyy-MM"));
        DemoRunHistory::TopUpTally &tally = c.topUps[period];
        for (qsizetype u = 0; u < c.userIds.size(); ++u) {
            if (c.userCreated.at(u) > occurrence || c.random.bounded(3) == 0)
                continue;
            const int limit = c.userLimits.at(u);
            const int delta = c.random.bounded(1, limit + 1);
            if (auto error = adjustments.add(
                    {SeedIds::uuid(c.random), c.time(occurrence.addSecs(1)), c.userIds.at(u), delta,
                     QStringLiteral("Monthly free credit top-up: topped up to %1").arg(limit),
                     nullText(), period}))
                return error;
            ++tally.usersByLimit[limit];
            tally.creditsByLimit[limit] += delta;
            ++c.report.adjustments;
        }
    }
    return std::nullopt;
}

// Both sides of the 7-day boundary for every status: the cleanup has work, and keeps things.
qint64 purchaseAgeSecs(int index, Context &c)
{
    if (index % 3 == 0)
        return c.random.bounded(qint64(600), 6 * daySecs);
    return c.random.bounded(8 * daySecs, 420 * daySecs);
}

QString statusFor(int index)
{
    const int slot = index % 10;
    if (slot < 6)
        return QStringLiteral("completed");
    if (slot < 8)
        return QStringLiteral("pending");
    return slot == 8 ? QStringLiteral("failed") : QStringLiteral("cancelled");
}

QString token(Context &c, const QString &prefix)
{
    return prefix + SeedIds::uuid(c.random).remove(u'-').left(24);
}

std::optional<QString> writePurchases(Context &c, RowBatcher &adjustments)
{
    RowBatcher purchases = AppTableRows::creditPurchases(c.db);
    static const QList<std::pair<int, int>> packs{{50, 499}, {120, 999}, {300, 1999}};
    for (int i = 0; i < purchaseCount; ++i) {
        const QString status = statusFor(i);
        const QString id = SeedIds::uuid(c.random);
        const QString user = c.userId();
        const auto &[credits, cents] = packs.at(c.random.bounded(int(packs.size())));
        const QDateTime created = c.ago(purchaseAgeSecs(i, c));
        const bool paid = status == QLatin1String("completed");
        const bool reachedStripe = paid || status == QLatin1String("failed");
        const QDateTime updated = status == QLatin1String("pending")
                                      ? created
                                      : created.addSecs(c.random.bounded(20, 900));
        if (auto error = purchases.add(
                {id, c.time(created), c.time(updated), user, credits, cents,
                 token(c, QStringLiteral("cs_test_")),
                 reachedStripe ? QVariant(token(c, QStringLiteral("pi_"))) : nullText(),
                 token(c, QStringLiteral("cus_")),
                 paid ? QVariant(QStringLiteral("https://pay.stripe.com/receipts/acct_1Demo/") +
                                 token(c, QStringLiteral("rcpt_")))
                      : nullText(),
                 status}))
            return error;
        ++c.report.purchasesByStatus[status];
        if (!paid)
            continue;
        if (auto error = adjustments.add({SeedIds::uuid(c.random), c.time(updated), user, credits,
                                          QStringLiteral("Purchase: %1 credits").arg(credits), id,
                                          nullText()}))
            return error;
        ++c.report.adjustments;
    }
    return purchases.flush();
}

std::optional<QString> writeOtherAdjustments(Context &c, RowBatcher &adjustments)
{
    static const QList<std::pair<int, QString>> reasons{
        {15, QStringLiteral("Admin: compensation for the outage on the 3rd")},
        {-50, QStringLiteral("Admin: reversed a purchase refunded by the bank")},
        {20, QStringLiteral("Gift: welcome bonus for the spring campaign")},
        {5, QStringLiteral("Gift: referral of a friend")}};
    for (int i = 0; i < 24; ++i) {
        const auto &[credits, reason] = reasons.at(i % reasons.size());
        if (auto error =
                adjustments.add({SeedIds::uuid(c.random),
                                 c.time(c.ago(c.random.bounded(qint64(3600), 300 * daySecs))),
                                 c.userId(), credits, reason, nullText(), nullText()}))
            return error;
        ++c.report.adjustments;
    }
    return std::nullopt;
}

QByteArray imageBytes(Context &c, const QString &path)
{
    // A PNG signature and a body of plausible size: the cleanup reports bytes freed.
    QByteArray bytes("\x89PNG\r\n\x1a\n", 8);
    bytes += QByteArray(c.random.bounded(2000, 60000), 'x');
    bytes += path.toUtf8();
    return bytes;
}

// Plans the uploads (what each is for) and writes them and their cached copies.
std::optional<QString> writeUploads(Context &c)
{
    static const QStringList extensions{QStringLiteral(".png"),  QStringLiteral(".jpg"),
                                        QStringLiteral(".JPG"),  QStringLiteral(".jpeg"),
                                        QStringLiteral(".webp"), QStringLiteral(".gif")};
    const QList<std::pair<Upload::Use, int>> plan{
        {Upload::Use::RelativeBlock, 40}, {Upload::Use::AbsoluteBlock, 25},
        {Upload::Use::Markdown, 15},      {Upload::Use::PlayerPhoto, 30},
        {Upload::Use::Orphaned, 30},      {Upload::Use::TooYoung, 8}};
    for (const auto &[use, count] : plan) {
        for (int i = 0; i < count; ++i) {
            const bool young = use == Upload::Use::TooYoung;
            const QDateTime at = young ? c.ago(c.random.bounded(qint64(600), 20 * 3600))
                                       : c.ago(c.random.bounded(2 * daySecs, 500 * daySecs));
            const QString name = SeedIds::uuid(c.random) + c.pick(extensions);
            Upload upload{use, UploadTreeWriter::datedPath(at, name), at};
            if (auto error = c.tree.write(upload.path, imageBytes(c, upload.path), at))
                return error;
            // Resized copies: of some referenced files and of some orphans (which must go
            // with them).
            if (i % 3 == 0 && (use == Upload::Use::RelativeBlock || use == Upload::Use::Orphaned)) {
                for (const QString &size : {QStringLiteral("200"), QStringLiteral("800")}) {
                    if (auto error =
                            c.tree.write(QStringLiteral(".cache/%1/").arg(size) + upload.path,
                                         imageBytes(c, upload.path), at))
                        return error;
                    ++c.report.cachedCopies;
                }
            }
            c.uploads.append(upload);
            if (use == Upload::Use::Orphaned)
                ++c.report.filesOrphaned;
            else if (young)
                ++c.report.filesTooYoung;
            else
                ++c.report.filesReferenced;
        }
    }
    // A date folder whose files are all gone: the cleanup removes it.
    return c.tree.makeFolder(
        c.ago(600 * daySecs).toUTC().date().toString(QStringLiteral("yyyy/MM/dd")));
}

QList<Upload> uploadsFor(const Context &c, Upload::Use use)
{
    QList<Upload> found;
    for (const Upload &upload : c.uploads)
        if (upload.use == use)
            found.append(upload);
    return found;
}

struct Block
{
    QString type;
    QJsonObject data;
};

QList<Block> plannedBlocks(Context &c)
{
    QList<Block> blocks;
    const QList<Upload> relative = uploadsFor(c, Upload::Use::RelativeBlock);
    for (qsizetype i = 0; i < relative.size(); ++i) {
        QString url = c.siteRelative(relative.at(i).path);
        if (i % 10 == 4)
            url += QStringLiteral("?v=2"); // query strings do not change the file
        blocks.append({QStringLiteral("image"),
                       {{QStringLiteral("content"), url},
                        {QStringLiteral("caption"), QStringLiteral("View of ") + c.pick(places)},
                        {QStringLiteral("link"), QString()}}});
    }
    for (const Upload &upload : uploadsFor(c, Upload::Use::AbsoluteBlock))
        blocks.append({QStringLiteral("image"),
                       {{QStringLiteral("content"), c.absolute(upload.path)},
                        {QStringLiteral("caption"), QStringLiteral("Clue near ") + c.pick(places)},
                        {QStringLiteral("link"), c.options.siteUrl + QStringLiteral("/games")}}});
    const QList<Upload> markdown = uploadsFor(c, Upload::Use::Markdown);
    for (qsizetype i = 0; i < markdown.size(); ++i) {
        const QString url =
            i % 2 == 0 ? c.siteRelative(markdown.at(i).path) : c.absolute(markdown.at(i).path);
        blocks.append({QStringLiteral("markdown"),
                       {{QStringLiteral("content"),
                         QStringLiteral("## Next stop\n\nWalk to %1 and compare it with this "
                                        "picture:\n\n![the place](%2)\n\nThen answer below.")
                             .arg(c.pick(places), url)}}});
    }
    // External images: a CDN, another site, and one whose file name is that of a local orphan
    // (a name match must not keep the local file).
    const QList<Upload> orphans = uploadsFor(c, Upload::Use::Orphaned);
    for (int i = 0; i < 20; ++i) {
        QString url =
            i % 2 == 0
                ? QStringLiteral("https://cdn.example.net/img/%1.jpg").arg(SeedIds::uuid(c.random))
                : QStringLiteral("https://images.other-site.example/static/"
                                 "uploads/2024/05/01/%1.png")
                      .arg(SeedIds::uuid(c.random));
        if (i == 0 && !orphans.isEmpty())
            url = QStringLiteral("https://cdn.example.net/static/uploads/") + orphans.first().path;
        blocks.append({QStringLiteral("image"),
                       {{QStringLiteral("content"), url},
                        {QStringLiteral("caption"), QStringLiteral("Photo: city archive")}}});
    }
    for (int i = 0; i < 20; ++i)
        blocks.append({QStringLiteral("markdown"),
                       {{QStringLiteral("content"),
                         QStringLiteral("Welcome, team! Find %1 and look for the **red door**.")
                             .arg(c.pick(places))}}});
    for (int i = 0; i < 60; ++i)
        blocks.append(
            {QStringLiteral("photo"),
             {{QStringLiteral("content"),
               QStringLiteral("Take a photo of your team in front of ") + c.pick(places)}}});
    for (int i = 0; i < 40; ++i)
        blocks.append(
            {QStringLiteral("question"),
             {{QStringLiteral("content"), QStringLiteral("How many windows face the square?")},
              {QStringLiteral("answer"), QString::number(c.random.bounded(3, 40))}}});
    return blocks;
}

std::optional<QString> writeBlocks(Context &c, QStringList *photoBlocks)
{
    RowBatcher batcher = AppTableRows::blocks(c.db);
    QStringList games;
    for (int i = 0; i < 12; ++i)
        games.append(QStringLiteral("game:") + SeedIds::uuid(c.random));
    int ordering = 0;
    for (const Block &block : plannedBlocks(c)) {
        const QString id = SeedIds::uuid(c.random);
        const bool photo = block.type == QLatin1String("photo");
        if (auto error =
                batcher.add({id, c.userId(), block.type, c.pick(games), json(block.data),
                             ordering++ % 25, photo ? 20 : c.random.bounded(0, 11), photo}))
            return error;
        if (photo)
            photoBlocks->append(id);
        ++c.report.blocks;
    }
    return batcher.flush();
}

// Players' answers; 20 of them carry the photos (one or two each).
std::optional<QString> writeTeamBlockStates(Context &c, const QStringList &photoBlocks)
{
    RowBatcher batcher(c.db, QStringLiteral("team_block_states"),
                       {QStringLiteral("id"), QStringLiteral("team_id"), QStringLiteral("block_id"),
                        QStringLiteral("player_data"), QStringLiteral("points"),
                        QStringLiteral("created_at"), QStringLiteral("updated_at")});
    QStringList teams;
    for (int i = 0; i < 30; ++i)
        teams.append(SeedIds::uuid(c.random));
    const QList<Upload> photos = uploadsFor(c, Upload::Use::PlayerPhoto);
    qsizetype next = 0;
    for (int i = 0; i < 120; ++i) {
        QVariant data = nullText();
        QDateTime at = c.ago(c.random.bounded(qint64(3600), 300 * daySecs));
        if (next < photos.size()) {
            QJsonArray images;
            const int count = next + 1 < photos.size() && i % 2 == 1 ? 2 : 1;
            for (int k = 0; k < count; ++k, ++next)
                images.append(k == 1 ? c.absolute(photos.at(next).path)
                                     : c.siteRelative(photos.at(next).path));
            data = json({{QStringLiteral("images"), images}});
            at = photos.at(next - 1).uploadedAt.addSecs(30);
        } else if (i % 3 == 0) {
            data = json({{QStringLiteral("answer"), QString::number(c.random.bounded(3, 40))}});
        }
        if (auto error = batcher.add({SeedIds::uuid(c.random), c.pick(teams), c.pick(photoBlocks),
                                      data, c.random.bounded(0, 21), c.time(at), c.time(at)}))
            return error;
        ++c.report.teamBlockStates;
    }
    return batcher.flush();
}

std::optional<QString> writeAll(Context &c)
{
    if (auto error = refuseNonEmpty(c.db))
        return error;
    if (auto error = writeUsers(c))
        return error;
    RowBatcher adjustments = adjustmentBatcher(c.db);
    if (auto error = writeTopUps(c, adjustments))
        return error;
    if (auto error = writePurchases(c, adjustments))
        return error;
    if (auto error = writeOtherAdjustments(c, adjustments))
        return error;
    if (auto error = adjustments.flush())
        return error;
    if (auto error = writeUploads(c))
        return error;
    QStringList photoBlocks;
    if (auto error = writeBlocks(c, &photoBlocks))
        return error;
    if (auto error = writeTeamBlockStates(c, photoBlocks))
        return error;
    DemoRunHistory history(c.db, c.dialect, c.options.now, c.options.zone, c.random);
    history.setTopUps(c.topUps);
    if (auto error = history.write())
        return error;
    c.report.runsByJob = history.runsByJob();
    c.report.runsByStatus = history.runsByStatus();
    c.report.bytesWritten = c.tree.bytesWritten();
    return std::nullopt;
}

} // namespace

Expected<DemoDataSet::Report, QString> DemoDataSet::write(ConnectionFactory &connections,
                                                          const Options &options)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    Options normalised = options;
    while (normalised.siteUrl.endsWith(u'/'))
        normalised.siteUrl.chop(1);
    const quint32 seeds[2] = {quint32(options.seed & 0xffffffffU), quint32(options.seed >> 32)};
    Context context{db.value(),
                    connections.dialect(),
                    normalised,
                    QRandomGenerator(seeds, 2),
                    UploadTreeWriter(options.uploadsDir),
                    {},
                    {},
                    {},
                    {},
                    {},
                    {}};
    SeedTransaction transaction(db.value());
    std::optional<QString> error = transaction.begin(connections.dialect());
    if (!error)
        error = writeAll(context);
    if (!error)
        error = transaction.commit();
    if (error) {
        context.tree.removeWritten();
        return Unexpected(*error + QStringLiteral(" Nothing was written."));
    }
    return context.report;
}

} // namespace jc
