// swift-tools-version: 6.2
import PackageDescription

// The soak driver scripts/soak runs: many commands on one RemoteHost connection, measuring file
// descriptors and memory on both ends. A side package so the main build never compiles it.
let package = Package(
    name: "Soak",
    dependencies: [
        .package(name: "mproxy", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "SoakDriver",
            dependencies: [
                .product(name: "RemoteExec", package: "mproxy"),
                .product(name: "AgentProto", package: "mproxy"),
            ],
            path: "Sources/SoakDriver",
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
