#include "jobs/UploadReferenceSet.h"

#include "storage/SqlErrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

namespace jc {

namespace {

constexpr QStringView anchor = u"/static/uploads/";

// Characters that can be part of a URL written in text. Quotes, brackets, whitespace and
// backslashes end one: they delimit URLs in JSON, markdown and HTML.
bool isUrlChar(QChar c)
{
    const char16_t u = c.unicode();
    if (u <= 0x20 || u == 0x7f)
        return false;
    switch (u) {
    case u'"':
    case u'\'':
    case u'<':
    case u'>':
    case u'(':
    case u')':
    case u'[':
    case u']':
    case u'{':
    case u'}':
    case u'`':
    case u'\\':
    case u'|':
        return false;
    default:
        return u < 0x80 || !c.isSpace();
    }
}

bool isSchemeChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
           u == u'+' || u == u'-' || u == u'.';
}

void collectStrings(const QJsonValue &value, QStringList &out)
{
    if (value.isString()) {
        out.append(value.toString());
    } else if (value.isArray()) {
        for (const QJsonValue item : value.toArray())
            collectStrings(item, out);
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            collectStrings(it.value(), out);
    }
}

} // namespace

UploadReferenceSet::UploadReferenceSet(UploadUrl urls)
    : m_urls(std::move(urls))
{}

bool UploadReferenceSet::isValidSource(const QString &source)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$"));
    return pattern.match(source).hasMatch();
}

void UploadReferenceSet::addUrl(QStringView url)
{
    if (auto path = m_urls.relativePath(url))
        m_paths.insert(*path);
}

// Text before a hit belongs to its URL only when it holds a scheme and authority
// ("https://host/app/static/uploads/..."), so that an external URL stays external; anything
// else before it ("src=", a word) is not part of the URL. Only [regionStart, hit) is looked
// at: from the previous hit of the same run on, so that a run of many hits costs linear time.
qsizetype UploadReferenceSet::urlStart(QStringView text, qsizetype regionStart, qsizetype hit,
                                       bool firstInRun, qsizetype runStart)
{
    const QStringView region = text.mid(regionStart, hit - regionStart);
    if (const qsizetype scheme = region.lastIndexOf(u"://"); scheme >= 0) {
        qsizetype start = regionStart + scheme;
        while (start > regionStart && isSchemeChar(text[start - 1]))
            --start;
        return start;
    }
    if (firstInRun && text.mid(runStart).startsWith(u"//"))
        return runStart; // network-path reference ("//host/static/uploads/...")
    return hit;          // site-relative (also under SITE_URL's own path prefix)
}

void UploadReferenceSet::addCandidate(QStringView url)
{
    if (url.size() > UploadUrl::maximumLength)
        return;
    addUrl(url);
    // Sentence punctuation after a URL in text ("see /static/uploads/a.png.") is most
    // likely not part of it; keeping one reference too many is harmless.
    const qsizetype full = url.size();
    while (!url.isEmpty() && QStringView(u".,;:!?*_~").contains(url.back()))
        url.chop(1);
    if (url.size() != full)
        addUrl(url);
}

// Each hit of "/static/uploads/" is widened to the run of URL characters around it. Runs
// are maximal, so each character is looked at a bounded number of times whatever the text.
void UploadReferenceSet::addText(QStringView text)
{
    if (!text.contains(u"uploads"))
        return;
    const bool wholeChecked = text.size() <= UploadUrl::maximumLength;
    if (wholeChecked)
        addUrl(text); // the whole value, which may hold spaces or brackets in a file name
    qsizetype runStart = 0;
    qsizetype runEnd = -1;
    qsizetype regionStart = 0;
    for (qsizetype hit = text.indexOf(anchor); hit >= 0; hit = text.indexOf(anchor, hit + 1)) {
        const bool firstInRun = hit >= runEnd;
        if (firstInRun) {
            runStart = hit;
            while (runStart > 0 && hit - runStart < UploadUrl::maximumLength &&
                   isUrlChar(text[runStart - 1]))
                --runStart;
            runEnd = hit + anchor.size();
            while (runEnd < text.size() && isUrlChar(text[runEnd]))
                ++runEnd;
            regionStart = runStart;
        }
        const qsizetype start = urlStart(text, regionStart, hit, firstInRun, runStart);
        if (!(wholeChecked && start == 0 && runEnd == text.size())) // the usual image block
            addCandidate(text.mid(start, runEnd - start));
        regionStart = hit + 1;
    }
}

void UploadReferenceSet::addRow(const QString &text)
{
    ++m_rows;
    if (!text.contains(u"uploads"))
        return; // the common case, decided without parsing
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        ++m_unparsable;
        QString raw = text;
        raw.replace(QStringLiteral("\\/"), QStringLiteral("/")); // JSON's escaped slashes
        addText(raw);
        return;
    }
    QStringList strings;
    collectStrings(
        document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object()), strings);
    for (const QString &value : std::as_const(strings))
        addText(value);
}

// One forward-only query per source: SQLite steps through the rows and Qt's PostgreSQL
// driver streams forward-only results row by row (single-row mode), so memory stays flat
// without the cost of keyset paging, which makes SQLite look each row up through the
// primary-key index (twice the time of a plain scan for 300,000 blocks).
std::optional<QString> UploadReferenceSet::readSource(QSqlDatabase &db, const QString &source,
                                                      int batchSize, const StopToken &stop)
{
    if (!isValidSource(source))
        return QStringLiteral("Reference source \"%1\" is not table.column").arg(source);
    const QString table = source.section(u'.', 0, 0);
    const QString column = source.section(u'.', 1, 1);
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT %1 FROM %2 WHERE %1 IS NOT NULL").arg(column, table)))
        return QStringLiteral("Cannot read the references in %1: %2")
            .arg(source, SqlErrors::text(query.lastError()));
    qint64 rows = 0;
    while (query.next()) {
        if (++rows % batchSize == 0 && stop.isStopRequested())
            return QStringLiteral("Stopped while reading the references in %1").arg(source);
        addRow(query.value(0).toString());
    }
    if (query.lastError().isValid()) // the stream broke off (a lost connection)
        return QStringLiteral("Cannot read the references in %1: %2")
            .arg(source, SqlErrors::text(query.lastError()));
    return std::nullopt;
}

Expected<UploadReferenceSet, QString> UploadReferenceSet::read(QSqlDatabase &db,
                                                               const UploadUrl &urls,
                                                               const QStringList &sources,
                                                               int batchSize, const StopToken &stop)
{
    UploadReferenceSet set(urls);
    if (stop.isStopRequested())
        return Unexpected(QStringLiteral("Stopped before reading the references"));
    for (const QString &source : sources) {
        if (auto error = set.readSource(db, source, qMax(1, batchSize), stop))
            return Unexpected(*error);
    }
    return set;
}

} // namespace jc
