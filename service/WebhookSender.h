#pragma once

#include <QByteArray>
#include <QObject>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace jc {

// Posts JSON to webhooks without ever making its thread wait: each POST is asynchronous
// (QNetworkAccessManager), bounded by a transfer timeout, and retried after an error, a
// timeout or an answer other than 2xx, with a delay that doubles from `firstRetryDelay` up to
// `maxRetryDelay`, `attempts` times in all. A webhook that hangs or answers 500 costs the
// thread nothing but its timers; `jobctl serve` runs its scheduler on this same thread.
//
// Thread: lives on the thread that creates it; post() is called there.
class WebhookSender : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int attempts = 6;
        std::chrono::milliseconds timeout{std::chrono::seconds(10)};
        std::chrono::milliseconds firstRetryDelay{std::chrono::seconds(2)};
        std::chrono::milliseconds maxRetryDelay{std::chrono::minutes(2)};
    };

    explicit WebhookSender(QObject *parent = nullptr);
    explicit WebhookSender(Options options, QObject *parent = nullptr);
    ~WebhookSender() override;

    // Posts `json` (Content-Type: application/json) to `url` until it is accepted or the
    // attempts run out; `label` names it in the log and the signals ("run:42").
    void post(const QUrl &url, const QByteArray &json, const QString &label);

    // POSTs sent or waiting for their retry.
    int pending() const { return m_pending; }

signals:
    void delivered(const QUrl &url, const QString &label, int attempts);
    void gaveUp(const QUrl &url, const QString &label, const QString &lastError);

private:
    struct Delivery;
    void attempt(const Delivery &delivery);
    void answered(QNetworkReply *reply, const Delivery &delivery);
    std::chrono::milliseconds retryDelay(int attemptsMade) const;

    Options m_options;
    QNetworkAccessManager *m_network;
    int m_pending = 0;
};

} // namespace jc
