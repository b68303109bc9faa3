import ArgumentParser
import SystemPackage
import WorkspaceFS

/// `chmod MODE PATH...`: octal (`755`) or symbolic (`u+x`, `go-w`, `a=r`, comma-separated).
struct FSChangeModeCommand: FSSubcommand {
    static let configuration = CommandConfiguration(commandName: "chmod", abstract: "Change permission bits.")

    @Argument(help: "Octal or symbolic mode.") var mode: String
    @Argument(help: "The files.") var paths: [String]

    func validate() throws {
        guard Self.apply(mode, to: 0) != nil else { throw ValidationError("invalid mode: '\(mode)'") }
    }

    /// `mode` applied to `permissions`; `nil` when `mode` is not a mode.
    static func apply(_ mode: String, to permissions: UInt32) -> UInt32? {
        if let octal = UInt32(mode, radix: 8) { return octal <= 0o7777 ? octal : nil }
        var result = permissions
        for clause in mode.split(separator: ",") {
            guard let operatorIndex = clause.firstIndex(where: { "+-=".contains($0) }) else { return nil }
            var who: UInt32 = 0
            for character in clause[..<operatorIndex] {
                switch character {
                case "u": who |= 0o4700
                case "g": who |= 0o2070
                case "o": who |= 0o1007
                case "a": who |= 0o7777
                default: return nil
                }
            }
            if who == 0 { who = 0o7777 }
            var bits: UInt32 = 0
            for character in clause[clause.index(after: operatorIndex)...] {
                switch character {
                case "r": bits |= 0o444
                case "w": bits |= 0o222
                case "x": bits |= 0o111
                case "s": bits |= 0o6000
                case "t": bits |= 0o1000
                default: return nil
                }
            }
            switch clause[operatorIndex] {
            case "+": result |= bits & who
            case "-": result &= ~(bits & who)
            default: result = (result & ~who) | (bits & who)
            }
        }
        return result
    }

    func run(in session: FSSession) async -> Int32 {
        var status: Int32 = 0
        for path in paths {
            let remote = session.remote(path)
            do {
                var permissions = UInt32(mode, radix: 8)
                if permissions == nil {
                    let current = try await session.fileSystem.info(forFileAt: remote).permissions
                    permissions = Self.apply(mode, to: current)
                }
                try await session.fileSystem.setPermissions(permissions ?? 0, at: remote)
            } catch {
                session.report(
                    "chmod",
                    error.isRemote(.noSuchFileOrDirectory)
                        ? "cannot access '\(path)'" : "changing permissions of '\(path)'", error)
                status = 1
            }
        }
        return status
    }
}
