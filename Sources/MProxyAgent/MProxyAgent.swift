// mproxy-agent: speaks the agentproto mux on its stdin/stdout (DESIGN.md §2).

import AgentProto
import CSystemExtras
import Glibc
import Logging

@main
enum MProxyAgent {
    static func main() {
        // The agent is driven by frames on stdin; its only arguments are for people and install
        // checks, and nothing it was not asked for runs.
        let arguments = CommandLine.arguments.dropFirst()
        if arguments == ["--version"] {
            print(Agent.version)
            exit(0)
        }
        if arguments.count == 2, arguments.first == OrphanGuard.argument, let group = pid_t(arguments.last ?? "") {
            OrphanGuard.run(group: group)
        }
        if !arguments.isEmpty {
            var usage = Array(
                ("usage: mproxy-agent [--version]\n"
                    + "Speaks agentproto 1.3.4 frames on stdin/stdout; started by mproxy over SSH, not by hand.\n").utf8
            )
            _ = write(2, &usage, usage.count)
            exit(2)
        }
        // Writes to a vanished client must fail with EPIPE, not kill the agent before it has
        // hung up its children; SIGHUP is the client's business, handled as connection loss.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        markInheritedDescriptorsCloseOnExec()
        LoggingSystem.bootstrap { _ in FrameLogHandler(level: .info) }
        let logger = Logger(label: "mproxy-agent")
        if mproxy_become_child_subreaper() != 0 {
            logger.warning("could not become a child subreaper", metadata: ["error": "\(errnoText(errno))"])
        }

        let reaper = ChildReaper()
        reaper.start()
        let lifecycle = AgentLifecycle()
        let agent = Agent(reaper: reaper, lifecycle: lifecycle, logger: logger)
        let transport: FileDescriptorTransport
        do {
            // Large reads: the client sends stdin in frames of up to 256 KiB.
            transport = try FileDescriptorTransport(reading: 0, writing: 1, readBufferSize: 256 << 10)
        } catch {
            logger.critical("cannot set up standard I/O", metadata: ["error": "\(error)"])
            exit(1)
        }
        let (configuration, handlers) = agent.muxSetup()
        let mux = Mux(transport: transport, configuration: configuration, handlers: handlers)
        agent.attach(mux)
        LogDestination.shared.useMux(mux)
        mux.start()

        let code = lifecycle.waitForExitCode()
        mux.close()
        // Bounded: a client that stopped reading must not keep the agent alive.
        _ = transport.waitUntilFinished(milliseconds: 2000)
        exit(code)
    }

    /// Descriptors the agent inherited beyond 0–2 (from sshd or a test harness) must not leak into
    /// the commands it spawns.
    private static func markInheritedDescriptorsCloseOnExec() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let highest = Int32(min(limit.rlim_cur, 4096))
        guard highest > 3 else { return }
        if let directory = opendir("/proc/self/fd") {
            var descriptors: [Int32] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if let number = Int32(name), number > 2 { descriptors.append(number) }
            }
            let own = dirfd(directory)
            closedir(directory)
            for descriptor in descriptors where descriptor != own {
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            }
            return
        }
        for descriptor in 3..<highest { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    }
}
