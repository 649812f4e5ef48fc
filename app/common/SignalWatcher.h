#pragma once

#include <QObject>

class QSocketNotifier;

// Turns SIGINT, SIGTERM and SIGHUP into a Qt signal on the main thread (the self-pipe trick:
// the handler only writes a byte; everything else happens in the event loop): each is a
// request to stop gracefully. One per process.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    // Whether stopRequested has been emitted: for a caller whose event loop had not started
    // when it came (QCoreApplication::quit() does nothing before exec()).
    bool signalled() const { return m_signalled; }

signals:
    void stopRequested(int signalNumber);

private:
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
    bool m_signalled = false;
};
