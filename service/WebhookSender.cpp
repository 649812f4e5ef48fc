#include "service/WebhookSender.h"

#include "service/ServiceLog.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>

namespace jc {

struct WebhookSender::Delivery
{
    QUrl url;
    QByteArray json;
    QString label;
    int attemptsMade = 0;
};

WebhookSender::WebhookSender(QObject *parent)
    : WebhookSender(Options{}, parent)
{}

WebhookSender::WebhookSender(Options options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_network(new QNetworkAccessManager(this))
{}

WebhookSender::~WebhookSender()
{
    if (m_pending > 0)
        qCWarning(lcAlerts) << "Stopping with" << m_pending << "alert deliveries not done";
}

void WebhookSender::post(const QUrl &url, const QByteArray &json, const QString &label)
{
    ++m_pending;
    attempt({url, json, label, 0});
}

void WebhookSender::attempt(const Delivery &delivery)
{
    QNetworkRequest request(delivery.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("jobctl-serve"));
    request.setTransferTimeout(int(m_options.timeout.count()));
    // A redirect of a POST is not followed: the webhook's URL is what the admin typed.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network->post(request, delivery.json);
    Delivery next = delivery;
    ++next.attemptsMade;
    connect(reply, &QNetworkReply::finished, this, [this, reply, next] { answered(reply, next); });
}

void WebhookSender::answered(QNetworkReply *reply, const Delivery &delivery)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
        --m_pending;
        qCInfo(lcAlerts).noquote() << "Alert" << delivery.label << "sent to"
                                   << delivery.url.toDisplayString() << "- HTTP" << status;
        emit delivered(delivery.url, delivery.label, delivery.attemptsMade);
        return;
    }
    const QString error = status > 0 ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
    if (delivery.attemptsMade >= m_options.attempts) {
        --m_pending;
        qCWarning(lcAlerts).noquote()
            << "Gave up on alert" << delivery.label << "to" << delivery.url.toDisplayString()
            << "after" << delivery.attemptsMade << "attempts:" << error;
        emit gaveUp(delivery.url, delivery.label, error);
        return;
    }
    const auto delay = retryDelay(delivery.attemptsMade);
    qCWarning(lcAlerts).noquote() << "Alert" << delivery.label << "to"
                                  << delivery.url.toDisplayString() << "failed:" << error
                                  << "- retrying in" << delay.count() << "ms";
    QTimer::singleShot(delay, this, [this, delivery] { attempt(delivery); });
}

std::chrono::milliseconds WebhookSender::retryDelay(int attemptsMade) const
{
    auto delay = m_options.firstRetryDelay;
    for (int i = 1; i < attemptsMade && delay < m_options.maxRetryDelay; ++i)
        delay *= 2;
    return std::min(delay, m_options.maxRetryDelay);
}

} // namespace jc
