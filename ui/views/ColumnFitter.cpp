#include "views/ColumnFitter.h"

#include <QEvent>
#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>
#include <map>

namespace jc {

ColumnFitter::ColumnFitter(QTableView *table, QList<int> giveWay, int spareTo, int maximumChars)
    : QObject(table)
    , m_table(table)
    , m_giveWay(std::move(giveWay))
    , m_spareTo(spareTo)
    , m_maximumChars(maximumChars)
    , m_viewport(table->viewport())
{
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_viewport->installEventFilter(this);
    // Contents change (data arrives, a run starts): fitted again, at most twice a second, and
    // only while the user has not dragged a column since the last fit. Widths are rounded up
    // (roundTo), so that a countdown ticking does not move the columns.
    m_refit.setSingleShot(true);
    m_refit.setInterval(500);
    connect(&m_refit, &QTimer::timeout, this, &ColumnFitter::fit);
    const auto contentsChanged = [this] {
        if (!m_userSized && !m_refit.isActive())
            m_refit.start();
    };
    connect(m_table->model(), &QAbstractItemModel::dataChanged, this, contentsChanged);
    connect(m_table->model(), &QAbstractItemModel::rowsInserted, this, contentsChanged);
    connect(m_table->model(), &QAbstractItemModel::modelReset, this, [this, contentsChanged] {
        m_wanted.clear();
        contentsChanged();
    });
    connect(m_table->model(), &QAbstractItemModel::layoutChanged, this, contentsChanged);
    // The widths are those of the rows in view (precision 0), fitted again when others scroll
    // into view: measuring every row cost 12-14 ms a fit with 200 jobs, twice a second while
    // runs report progress (issue 19); the rows in view cost a tenth of that.
    m_table->horizontalHeader()->setResizeContentsPrecision(0);
    connect(m_table->verticalScrollBar(), &QScrollBar::valueChanged, this, contentsChanged);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this] {
        if (!m_applying)
            m_userSized = true;
    });
}

bool ColumnFitter::eventFilter(QObject *watched, QEvent *event)
{
    // The type first: while the table is destroyed, its viewport still sends events (and
    // m_table is no longer a whole QAbstractScrollArea to ask for it).
    if (event->type() == QEvent::Resize && watched == m_viewport &&
        m_viewport->width() != m_fittedWidth) {
        m_userSized = false;
        m_wanted.clear();
        fit();
    }
    return QObject::eventFilter(watched, event);
}

void ColumnFitter::fit()
{
    QHeaderView *header = m_table->horizontalHeader();
    const int available = m_table->viewport()->width();
    const int columns = header->count();
    if (available <= 0 || columns == 0)
        return;
    m_fittedWidth = available;
    const int roundTo = m_table->fontMetrics().averageCharWidth() * 2;
    const int giveWayMaximum = m_table->fontMetrics().averageCharWidth() * m_maximumChars;
    const auto roundedUp = [roundTo](int pixels) {
        return (pixels + roundTo - 1) / roundTo * roundTo;
    };
    // sizeHintForColumn is public in QAbstractItemView (QTableView makes it protected).
    const QAbstractItemView *view = m_table;
    std::map<int, int> width;   // logical column -> width
    std::map<int, int> minimum; // its header's width: the least it shrinks to
    int total = 0;
    for (int column = 0; column < columns; ++column) {
        if (header->isSectionHidden(column))
            continue;
        minimum[column] = header->sectionSizeHint(column);
        const int maximum = m_giveWay.contains(column) ? giveWayMaximum : 2 * giveWayMaximum;
        int &wanted = m_wanted[column];
        wanted = std::max(wanted, roundedUp(std::min(view->sizeHintForColumn(column), maximum)));
        width[column] = std::max(minimum[column], wanted);
        total += width[column];
    }
    if (width.empty())
        return;
    if (total <= available) {
        const int spareTo = width.contains(m_spareTo) ? m_spareTo : width.rbegin()->first;
        width[spareTo] += available - total;
    } else {
        int deficit = total - available;
        for (const int column : m_giveWay) {
            if (deficit == 0 || !width.contains(column))
                continue;
            const int cut = std::min(deficit, width[column] - minimum[column]);
            width[column] -= cut;
            deficit -= cut;
        }
        if (deficit > 0)
            shrinkWidest(width, minimum, available);
    }
    m_applying = true;
    for (const auto &[column, w] : width)
        header->resizeSection(column, w);
    m_applying = false;
}

// Still too wide: the widest columns shrink first, to one common width, none below its
// header's: a job's name stays whole while the longest texts (a pause's reason, an overdue
// job's next run) elide alike. Giving every column the same share of the cut left a name of
// 21 characters 7.
void ColumnFitter::shrinkWidest(std::map<int, int> &width, const std::map<int, int> &minimum,
                                int available)
{
    const auto totalWith = [&](int cap) {
        int total = 0;
        for (const auto &[column, w] : width)
            total += std::max(minimum.at(column), std::min(w, cap));
        return total;
    };
    // The widest common width that fits (total is monotone in it); 0 when the headers alone
    // are wider, and the table scrolls.
    int fits = 0;
    int tooWide = 0;
    for (const auto &[column, w] : width)
        tooWide = std::max(tooWide, w);
    while (tooWide - fits > 1) {
        const int cap = fits + (tooWide - fits) / 2;
        (totalWith(cap) <= available ? fits : tooWide) = cap;
    }
    // The pixels the common width leaves go one each to the columns it cut.
    int left = available - totalWith(fits);
    for (auto &[column, w] : width) {
        const bool cut = w > fits && fits >= minimum.at(column);
        w = std::max(minimum.at(column), std::min(w, fits));
        if (cut && left > 0) {
            ++w;
            --left;
        }
    }
}

} // namespace jc
