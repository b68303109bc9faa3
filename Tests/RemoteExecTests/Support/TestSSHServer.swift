import CSystemExtras
import Foundation
import Testing

@testable import RemoteExec

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway OpenSSH server on 127.0.0.1 for integration tests: host and user keys generated into
/// a temporary directory, its own sshd_config, known_hosts and ssh_config (host alias
/// ``alias``), run as the current user, and removed by ``stop()``.
///
/// Requires `openssh-server` (`/usr/sbin/sshd`) and `openssh-client` (`ssh-keygen`); without them
/// ``start()`` fails with the command that installs them, so the tests fail rather than skip.
final class TestSSHServer: @unchecked Sendable {
    /// The ssh_config host alias that reaches this server.
    let alias = "mproxy-test"
    /// The temporary directory holding every file of the server.
    let directory: URL
    /// The TCP port on 127.0.0.1.
    let port: Int
    /// An ssh_config with the ``alias`` entry (`-F` this file).
    let configurationFile: String
    /// The known_hosts file the ssh_config names, holding this server's host key.
    let knownHostsFile: String
    /// The user's private key the server accepts.
    let identityFile: String
    /// The server's host public key line (`ssh-ed25519 AAAA…`).
    let hostPublicKey: String
    /// The login name: the current user.
    let user: String
    /// The remote sessions' `HOME` (sshd `SetEnv`): the agent cache lands here, not in the real
    /// home, so every server starts with no agent installed.
    let home: String
    /// The listening sshd (`-D`, so it is our child and its pid is known).
    let processIdentifier: pid_t

    static let sshdPath = "/usr/sbin/sshd"

    private init(
        directory: URL, port: Int, processIdentifier: pid_t, hostPublicKey: String, user: String
    ) {
        self.directory = directory
        self.port = port
        self.processIdentifier = processIdentifier
        self.hostPublicKey = hostPublicKey
        self.user = user
        configurationFile = directory.appendingPathComponent("ssh_config").path
        knownHostsFile = directory.appendingPathComponent("known_hosts").path
        identityFile = directory.appendingPathComponent("user_ed25519").path
        home = directory.appendingPathComponent("home").path
    }

    /// Generates keys and configuration, starts sshd and waits until it accepts connections.
    static func start() throws -> TestSSHServer {
        guard FileManager.default.isExecutableFile(atPath: sshdPath) else {
            throw FixtureError(
                "\(sshdPath) is missing: install the OpenSSH server (apt-get install -y openssh-server openssh-client)")
        }
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("mproxy-sshd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try generateKey(at: path("host_ed25519"))
        try generateKey(at: path("user_ed25519"))
        try FileManager.default.copyItem(atPath: path("user_ed25519.pub"), toPath: path("authorized_keys"))
        try FileManager.default.createDirectory(atPath: path("home"), withIntermediateDirectories: true)
        let hostPublicKey = try String(contentsOfFile: path("host_ed25519.pub"), encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let user = NSUserName()
        // sshd refuses to start as root without its privilege separation directory.
        if getuid() == 0 {
            try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }

        var lastFailure = ""
        for _ in 0..<5 {
            let port = try freePort()
            let configuration = """
                ListenAddress 127.0.0.1
                Port \(port)
                HostKey \(path("host_ed25519"))
                PidFile \(path("sshd.pid"))
                AuthorizedKeysFile \(path("authorized_keys"))
                UsePAM no
                StrictModes no
                PermitRootLogin yes
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                AcceptEnv SHLVL
                SetEnv HOME=\(path("home"))
                MaxSessions 100
                MaxStartups 100
                LogLevel VERBOSE
                Subsystem sftp internal-sftp

                """
            try configuration.write(toFile: path("sshd_config"), atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: path("sshd.pid"))
            let pid = try spawn(sshdPath, arguments: ["-D", "-f", path("sshd_config"), "-E", path("sshd.log")])
            if waitUntilListening(port: port, pidFile: path("sshd.pid"), processIdentifier: pid) {
                let server = TestSSHServer(
                    directory: directory, port: port, processIdentifier: pid, hostPublicKey: hostPublicKey, user: user)
                try server.writeClientFiles()
                return server
            }
            kill(pid, SIGTERM)
            reap(pid)
            lastFailure = (try? String(contentsOfFile: path("sshd.log"), encoding: .utf8)) ?? ""
        }
        try? FileManager.default.removeItem(at: directory)
        throw FixtureError("sshd did not start; its log says: \(lastFailure)")
    }

    /// Writes known_hosts with this server's key and an ssh_config whose ``alias`` reaches it.
    private func writeClientFiles() throws {
        try writeKnownHosts("[127.0.0.1]:\(port) \(hostPublicKey)\n")
        let configuration = """
            Host \(alias)
                HostName 127.0.0.1
                Port \(port)
                User \(user)
                IdentityFile \(identityFile)
                IdentitiesOnly yes
                UserKnownHostsFile \(knownHostsFile)
                StrictHostKeyChecking yes
                SetEnv SHLVL=1

            """
        try configuration.write(toFile: configurationFile, atomically: true, encoding: .utf8)
    }

    /// Replaces the known_hosts file's contents.
    func writeKnownHosts(_ contents: String) throws {
        try contents.write(toFile: knownHostsFile, atomically: true, encoding: .utf8)
    }

    /// Reads the known_hosts file.
    func readKnownHosts() throws -> String {
        (try? String(contentsOfFile: knownHostsFile, encoding: .utf8)) ?? ""
    }

    /// Generates a fresh ed25519 key pair at `path` and `path.pub`.
    func generateKey(named name: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Self.generateKey(at: path)
        return path
    }

    /// SIGKILLs every per-connection sshd process (the children of the listener), cutting every
    /// client connection at once; the listener keeps running.
    func killConnections() {
        for child in Self.children(of: processIdentifier) { kill(child, SIGKILL) }
    }

    /// Sends `signal` to every sshd process serving a connection (the listener's sshd descendants,
    /// privilege-separated children included, not the commands they run): SIGSTOP stalls the
    /// server side of every connection, with the kernel still accepting bytes; SIGCONT resumes it.
    func signalConnections(_ signal: Int32) {
        for pid in Self.descendants(of: processIdentifier) where Self.commandName(of: pid) == "sshd" {
            kill(pid, signal)
        }
    }

    /// Writes an ssh_config like ``configurationFile`` with `options` (`Name value` lines) added to
    /// the ``alias`` entry, and returns its path.
    func writeConfiguration(named name: String, adding options: [String]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let base = try String(contentsOfFile: configurationFile, encoding: .utf8)
        try (base + options.map { "    \($0)\n" }.joined()).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Stops sshd and its connections and removes the directory.
    func stop() {
        killConnections()
        kill(processIdentifier, SIGTERM)
        Self.reap(processIdentifier)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's log, for failure messages.
    var log: String { (try? String(contentsOf: directory.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? "" }

    // Foundation's Process is avoided here: its waitUntilExit hangs when several tests spawn at once.
    private static func generateKey(at path: String) throws {
        let result: LocalProcess.Result
        do {
            result = try LocalProcess.run(
                "/usr/bin/ssh-keygen", arguments: ["-q", "-t", "ed25519", "-N", "", "-C", "mproxy-test", "-f", path])
        } catch {
            throw FixtureError("could not run ssh-keygen (\(error)): apt-get install -y openssh-client")
        }
        guard result.status == 0 else {
            throw FixtureError(
                "ssh-keygen failed for \(path): \(String(decoding: result.standardError, as: UTF8.self))")
        }
    }

    /// Starts `executable` with stdio on /dev/null and returns its pid.
    private static func spawn(_ executable: String, arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else { throw FixtureError("could not start \(executable): error \(result)") }
        return pid
    }

    /// Waits for a child to end, so it leaves no zombie.
    private static func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// Whether the child is still running (not exited and reaped).
    private static func isRunning(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// A port that was free a moment ago on 127.0.0.1 (sshd start is retried if it was taken since).
    private static func freePort() throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw FixtureError("socket() failed") }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socketDescriptor, pointer, length) == 0 && getsockname(socketDescriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw FixtureError("could not bind a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func waitUntilListening(port: Int, pidFile: String, processIdentifier: pid_t) -> Bool {
        for _ in 0..<500 {
            guard isRunning(processIdentifier) else { return false }
            if FileManager.default.fileExists(atPath: pidFile) && canConnect(port: port) { return true }
            usleep(10_000)
        }
        return false
    }

    private static func canConnect(port: Int) -> Bool {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { return false }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Every process below `ancestor`, children first.
    static func descendants(of ancestor: Int32) -> [Int32] {
        var found: [Int32] = []
        var parents = [ancestor]
        while let parent = parents.popLast() {
            let children = children(of: parent)
            found += children
            parents += children
        }
        return found
    }

    /// The process's command name (`comm`), empty once it is gone.
    static func commandName(of pid: Int32) -> String {
        let name = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        return name.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The processes whose parent is `parent`, from /proc.
    static func children(of parent: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after the command name: state, ppid, ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == parent else { return nil }
            return pid
        }
    }
}

/// The test fixture could not be set up; the message says what to install or fix.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
