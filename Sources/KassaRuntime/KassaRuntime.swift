/// KassaRuntime: the supervisor's machinery around the pure register.
///
/// It owns the one reactor thread (epoll over sockets, timers, signals and later devices), the IPC
/// service on that reactor, systemd notification, logging, the configuration file and local time
/// from the system's zoneinfo.
///
/// Nothing here decides register behaviour (that is KassaCore's), and nothing here blocks the
/// reactor thread for long or starts threads, Dispatch queues or Swift concurrency tasks of its own.
public enum KassaRuntime {
    public static let defaultStateDirectory = "/var/lib/kassa"
    public static let defaultSocketPath = "/run/kassa/kassad.sock"
    public static let defaultConfigPath = "/etc/kassa/kassa.conf"
}
