#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QTimer>

#include <chrono>

// Tells the service manager how the service is doing, in the sd_notify(3) protocol: one
// datagram of "KEY=value" lines to the AF_UNIX datagram socket that $NOTIFY_SOCKET names (a
// path, or "@name" in the abstract namespace). systemd sets it for a Type=notify unit.
// Without it every call does nothing, so a program behaves the same outside systemd.
//
// The watchdog: with $WATCHDOG_USEC set (and $WATCHDOG_PID unset or this process),
// startWatchdog() sends WATCHDOG=1 every half of it from a QTimer on the notifier's thread.
// Create it on the main thread: a main event loop that blocks then stops the pings, and
// systemd restarts the service.
//
// A send waits at most a second (a stuck receiver must not stall the event loop); a lost
// datagram is logged once (category jc.service) and not retried. Lives on the thread that
// creates it.
class ServiceNotifier : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QByteArray socket;                    // NOTIFY_SOCKET; empty: notifications are off
        std::chrono::microseconds watchdog{}; // WATCHDOG_USEC; zero: no watchdog
        QString error; // set: the variables cannot be used (systemd never sets such values)
    };

    // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. A socket that is neither an
    // absolute path nor "@name", or longer than an AF_UNIX address holds, a WATCHDOG_USEC
    // that is not a positive number of microseconds and a WATCHDOG_PID that is not a number
    // give `error`, naming the variable. A WATCHDOG_PID of another process turns the
    // watchdog off (it was meant for that one).
    static Settings settingsFrom(const QProcessEnvironment &environment, qint64 pid);

    explicit ServiceNotifier(const Settings &settings, QObject *parent = nullptr);
    ~ServiceNotifier() override;
    ServiceNotifier(const ServiceNotifier &) = delete;
    ServiceNotifier &operator=(const ServiceNotifier &) = delete;

    bool isActive() const { return m_fd >= 0; }
    // Half of WATCHDOG_USEC (at least 1 ms); zero without a watchdog or a socket.
    std::chrono::milliseconds watchdogInterval() const;
    bool watchdogRunning() const { return m_watchdog.isActive(); }

    // Sends `state` ("KEY=value" lines) as one datagram; false when inactive or lost.
    bool notify(const QByteArray &state);
    // READY=1 with a STATUS= line, then the watchdog.
    void ready(const QString &status);
    // STOPPING=1 with a STATUS= line; the watchdog stops (systemd stops watching a service
    // that is stopping, and the stop may block this thread up to its deadline).
    void stopping(const QString &status);
    // STATUS=…, sent only when it differs from the last one sent.
    void setStatus(const QString &status);

    void startWatchdog();
    void stopWatchdog();

private:
    int m_fd = -1;
    QByteArray m_address; // struct sockaddr_un, as long as the address needs
    std::chrono::microseconds m_watchdogPeriod{};
    QTimer m_watchdog;
    QString m_lastStatus;
    bool m_warned = false;
};
