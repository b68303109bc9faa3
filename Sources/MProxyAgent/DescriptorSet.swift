// The descriptors made for one spawn. The child's ends are moved above every target number first,
// so no dup2 in the spawn can overwrite a descriptor a later dup2 still reads from.

import CSystemExtras
import Glibc

/// Pipes and socketpairs for one child, created close-on-exec.
struct DescriptorSet {
    /// The lowest number a child-side descriptor may have (above 2 and every extra fd target).
    let lowestChildDescriptor: Int32
    /// The child's ends, in target order (stdin, stdout, stderr, extra fds).
    private(set) var childEnds: [CInt] = []
    private var agentEnds: [CInt] = []

    init(lowestChildDescriptor: Int32) {
        self.lowestChildDescriptor = lowestChildDescriptor
    }

    /// A pipe; the child gets the read end when `childReads`. Returns the agent's end.
    ///
    /// - Parameter capacity: the pipe's buffer size to ask for (best effort: the kernel caps what an
    ///   unprivileged user's pipes may hold); the default 64 KiB when `nil`.
    mutating func pipe(childReads: Bool, capacity: Int? = nil) -> CInt? {
        var descriptors: [CInt] = [-1, -1]
        guard mproxy_pipe_close_on_exec(&descriptors) == 0 else { return nil }
        if let capacity { _ = mproxy_set_pipe_size(descriptors[0], CInt(capacity)) }
        let (child, agent) = childReads ? (descriptors[0], descriptors[1]) : (descriptors[1], descriptors[0])
        return adopt(child: child, agent: agent)
    }

    /// A Unix stream socketpair. Returns the agent's end.
    mutating func socketPair() -> CInt? {
        var descriptors: [CInt] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors) == 0
        else {
            return nil
        }
        return adopt(child: descriptors[1], agent: descriptors[0])
    }

    private mutating func adopt(child: CInt, agent: CInt) -> CInt? {
        var moved = child
        if child < lowestChildDescriptor {
            moved = fcntl(child, F_DUPFD_CLOEXEC, lowestChildDescriptor)
            close(child)
            if moved < 0 {
                close(agent)
                return nil
            }
        }
        childEnds.append(moved)
        agentEnds.append(agent)
        return agent
    }

    /// Closes the child's ends (after the spawn, or when it failed).
    mutating func closeChildEnds() {
        for descriptor in childEnds { close(descriptor) }
        childEnds = []
    }

    /// Closes the agent's ends (when the spawn failed).
    mutating func closeAgentEnds() {
        for descriptor in agentEnds { close(descriptor) }
        agentEnds = []
    }
}
