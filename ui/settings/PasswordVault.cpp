#include "settings/PasswordVault.h"

#include <QLoggingCategory>
#include <QPointer>

#include <qt6keychain/keychain.h>

namespace jc {

Q_LOGGING_CATEGORY(lcVault, "jc.ui.vault")

namespace {

// The keychain cannot be used at all (as opposed to: this entry is missing or access was
// refused), so the vault falls back to session mode.
bool isMissingBackend(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError;
}

// Delivers on the GUI thread after the current call returns, unless `context` is gone, so
// callers see the same order whether the answer came from memory or from the keychain.
template <typename Result>
void deliverLater(QObject *context, std::function<void(Result)> done, Result result)
{
    if (!done)
        return;
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(
        context,
        [guard, done = std::move(done), result = std::move(result)] {
            if (guard)
                done(result);
        },
        Qt::QueuedConnection);
}

} // namespace

PasswordVault::PasswordVault(QString service, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
{}

QString PasswordVault::keyFor(const DatabaseUrl &url)
{
    if (url.dialect() == SqlDialect::Sqlite)
        return QStringLiteral("sqlite:") + url.filePath();
    // PostgreSQL's keys have no prefix (as they were stored before MySQL came).
    const QString prefix =
        url.dialect() == SqlDialect::MySql ? QStringLiteral("mysql:") : QString();
    return prefix + QStringLiteral("%1@%2:%3/%4")
                        .arg(url.userName(), url.host())
                        .arg(url.port())
                        .arg(url.databaseName());
}

std::optional<QString> PasswordVault::sessionPassword(const QString &key) const
{
    const auto found = m_session.constFind(key);
    if (found == m_session.constEnd())
        return std::nullopt;
    return *found;
}

void PasswordVault::setBackend(Backend backend)
{
    if (m_backend == backend)
        return;
    m_backend = backend;
    if (backend == Backend::SessionOnly)
        qCInfo(lcVault) << "No keychain service: database passwords are asked for once per "
                           "session and kept in memory only";
    emit backendChanged(backend);
}

QString PasswordVault::askOnce(const QString &key)
{
    if (m_asked.contains(key) || !m_ask)
        return m_session.value(key);
    m_asked.insert(key);
    const std::optional<QString> answer = m_ask(key);
    if (answer)
        m_session.insert(key, *answer);
    return answer.value_or(QString());
}

void PasswordVault::read(const QString &key, QObject *context, ReadDone done)
{
    if (auto known = sessionPassword(key)) {
        deliverLater<ReadResult>(context, std::move(done), {*known, {}});
        return;
    }
    if (m_backend == Backend::SessionOnly) {
        deliverLater<ReadResult>(context, std::move(done), {askOnce(key), {}});
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this, [this, job, key, guard, done](QKeychain::Job *) {
        ReadResult result;
        if (job->error() == QKeychain::NoError) {
            setBackend(Backend::Keychain);
            m_session.insert(key, job->textData());
            result.password = job->textData();
        } else if (job->error() == QKeychain::EntryNotFound) {
            setBackend(Backend::Keychain);
        } else if (isMissingBackend(job->error())) {
            qCDebug(lcVault) << "keychain unavailable:" << job->errorString();
            setBackend(Backend::SessionOnly);
            result.password = askOnce(key);
        } else {
            result.error =
                tr("The keychain refused the password of %1: %2").arg(key, job->errorString());
        }
        if (guard && done)
            done(result);
    });
    job->start();
}

void PasswordVault::write(const QString &key, const QString &password, QObject *context,
                          WriteDone done)
{
    m_session.insert(key, password);
    if (m_backend == Backend::SessionOnly) {
        deliverLater<std::optional<QString>>(context, std::move(done), std::nullopt);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setTextData(password);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this, [this, job, key, guard, done](QKeychain::Job *) {
        std::optional<QString> error;
        if (job->error() == QKeychain::NoError) {
            setBackend(Backend::Keychain);
        } else if (isMissingBackend(job->error())) {
            setBackend(Backend::SessionOnly); // kept in m_session for this session only
        } else {
            error = tr("The keychain did not store the password of %1: %2")
                        .arg(key, job->errorString());
        }
        if (guard && done)
            done(error);
    });
    job->start();
}

void PasswordVault::remove(const QString &key, QObject *context, WriteDone done)
{
    m_session.remove(key);
    if (m_backend == Backend::SessionOnly) {
        deliverLater<std::optional<QString>>(context, std::move(done), std::nullopt);
        return;
    }
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this, [this, job, key, guard, done](QKeychain::Job *) {
        std::optional<QString> error;
        if (job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound) {
            setBackend(Backend::Keychain);
        } else if (isMissingBackend(job->error())) {
            setBackend(Backend::SessionOnly);
        } else {
            error = tr("The keychain did not remove the password of %1: %2")
                        .arg(key, job->errorString());
        }
        if (guard && done)
            done(error);
    });
    job->start();
}

} // namespace jc
