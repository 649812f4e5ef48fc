#pragma once

#include "common/Expected.h"
#include "engine/StopToken.h"
#include "jobs/UploadUrl.h"

#include <QSet>
#include <QSqlDatabase>
#include <QStringList>

namespace jc {

// Every local upload the app's data references, as normalised paths under the uploads root
// ("2025/11/17/<uuid>.png", see UploadUrl), gathered in one pass so that checking a file is
// a set lookup: the work grows with files plus rows, not their product.
//
// A source row's text is parsed as JSON and every string value in it (nested objects and
// arrays included) is scanned: the whole value as one URL, and every URL inside it (markdown
// and HTML text hold several). A row that is not JSON is scanned as raw text instead, so a
// malformed block still keeps its files. Scanning looks for "/static/uploads/" and widens
// each hit to the run of URL characters around it (quotes, brackets and white space end a
// URL), so enormous or hostile values cost about linear time.
//
// Not thread-safe; one per run.
class UploadReferenceSet
{
public:
    explicit UploadReferenceSet(UploadUrl urls = UploadUrl());

    // Reads every non-null value of every "table.column" source, streamed by one forward-only
    // query per source, and checks `stop` every `batchSize` rows (an error when it asks). An
    // unreadable source is an error: the job must never delete on partial knowledge.
    static Expected<UploadReferenceSet, QString> read(QSqlDatabase &db, const UploadUrl &urls,
                                                      const QStringList &sources, int batchSize,
                                                      const StopToken &stop);

    // True when `source` is "table.column" with plain SQL identifiers.
    static bool isValidSource(const QString &source);

    // Adds the references in one row's JSON text (raw-text scan when it is not JSON).
    void addRow(const QString &text);
    // Adds the URLs found anywhere in `text`.
    void addText(QStringView text);

    [[nodiscard]] bool contains(const QString &relativePath) const
    {
        return m_paths.contains(relativePath);
    }
    [[nodiscard]] qsizetype size() const { return m_paths.size(); }
    [[nodiscard]] qint64 rowsRead() const { return m_rows; }
    [[nodiscard]] qint64 unparsableRows() const { return m_unparsable; }

private:
    static qsizetype urlStart(QStringView text, qsizetype regionStart, qsizetype hit,
                              bool firstInRun, qsizetype runStart);
    void addCandidate(QStringView url);
    void addUrl(QStringView url);
    std::optional<QString> readSource(QSqlDatabase &db, const QString &source, int batchSize,
                                      const StopToken &stop);

    UploadUrl m_urls;
    QSet<QString> m_paths;
    qint64 m_rows = 0;
    qint64 m_unparsable = 0;
};

} // namespace jc
