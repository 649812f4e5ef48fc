#include "storage/MySqlJobLock.h"

#include "storage/SqlErrors.h"
#include "storage/SqlStatement.h"
#include "storage/StorageLog.h"

#include <QCryptographicHash>

using namespace Qt::StringLiterals;

namespace jc {

MySqlJobLock::MySqlJobLock(const QSqlDatabase &db, const QString &job)
    : m_db(db)
    , m_name(u"jc.job."_s +
             QString::fromLatin1(
                 QCryptographicHash::hash(job.toUtf8(), QCryptographicHash::Sha1).toHex()))
{
    SqlStatement lock(m_db, u"SELECT GET_LOCK(:name, 30)"_s);
    if (const auto failed = lock.exec({{u":name"_s, m_name}})) {
        m_error = failed->text();
    } else if (!lock.next()) {
        m_error = SqlErrors::text(lock.query().lastError());
    } else if (lock.value(0).toInt() != 1) {
        m_error = u"another instance has held the claim lock of \"%1\" for 30 s"_s.arg(job);
    }
}

MySqlJobLock::~MySqlJobLock()
{
    if (!m_error.isEmpty())
        return;
    SqlStatement release(m_db, u"DO RELEASE_LOCK(:name)"_s);
    if (const auto failed = release.exec({{u":name"_s, m_name}}))
        qCWarning(lcStorage) << "releasing the claim lock failed:" << failed->text();
}

} // namespace jc
