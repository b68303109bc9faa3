// swift-tools-version: 6.2
import PackageDescription

/// Settings every target shares: Swift 6 language mode with the upcoming features that keep imports
/// and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "mproxy",
    products: [
        .library(name: "AgentProto", targets: ["AgentProto"]),
        .library(name: "RemoteExec", targets: ["RemoteExec"]),
        .executable(name: "mproxy", targets: ["mproxy"]),
        .executable(name: "mproxy-agent", targets: ["MProxyAgent"]),
        .library(name: "WorkspaceFS", targets: ["WorkspaceFS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // The wire protocol: CBOR codec, frames, framing. Standard library only, so the static agent stays small.
        .target(
            name: "AgentProto",
            dependencies: ["CSystemExtras", .product(name: "SystemPackage", package: "swift-system")],
            exclude: ["PROTOCOL.md"],
            swiftSettings: swiftSettings
        ),
        // glibc calls Swift cannot import (GNU extensions, variadic prctl, openat2), for the agent and the client.
        .target(name: "CSystemExtras"),
        // The remote agent: one static Linux binary speaking the mux on its stdin/stdout.
        .executableTarget(
            name: "MProxyAgent",
            dependencies: [
                "AgentProto",
                "CSystemExtras",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // libssh, seen only by RemoteExec/LibSSH.
        .systemLibrary(
            name: "CLibSSH",
            path: "Sources/CLibSSH",
            pkgConfig: "libssh",
            providers: [.apt(["libssh-dev"])]
        ),
        // Connections to remote hosts: SSH over libssh, host configuration, remote helper commands.
        .target(
            name: "RemoteExec",
            dependencies: [
                "AgentProto",
                "CLibSSH",
                "CSystemExtras",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // A typed remote file system over the file-operation RPC, with pipelined transfers.
        .target(
            name: "WorkspaceFS",
            dependencies: ["AgentProto", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mproxy",
            dependencies: [
                "AgentProto",
                "RemoteExec",
                "WorkspaceFS",
                "CSystemExtras",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentProtoTests",
            dependencies: ["AgentProto"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MProxyAgentTests",
            dependencies: ["AgentProto", "MProxyAgent"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkspaceFSTests",
            dependencies: [
                "AgentProto", "WorkspaceFS", "MProxyAgent", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the built `mproxy` binary; depending on it makes `swift test` build it first.
        .testTarget(
            name: "MProxyCLITests",
            // RemoteExec for the throwaway sshd fixture (Support/ links RemoteExecTests' copy).
            dependencies: ["AgentProto", "mproxy", "MProxyAgent", "RemoteExec"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RemoteExecTests",
            dependencies: ["RemoteExec", "WorkspaceFS", "AgentProto", "mproxy", "MProxyAgent"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
