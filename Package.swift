// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "StackPlan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "stackplan", targets: ["stackplan"]),
        .library(name: "MILP", targets: ["MILP"]),
        .library(name: "StackPlanCore", targets: ["StackPlanCore"]),
        .library(name: "StackPlanStore", targets: ["StackPlanStore"]),
        .library(name: "StackPlanInterchange", targets: ["StackPlanInterchange"]),
        .library(name: "StackPlanCPD", targets: ["StackPlanCPD"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // GLPK ships no pkg-config file on Debian; the module map links libglpk directly.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK"),
        .target(name: "MILP", dependencies: [
            "CGLPK",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ]),
        .target(name: "StackPlanCore", dependencies: ["MILP"]),
        .target(name: "StackPlanGenerator", dependencies: ["StackPlanCore"]),
        .target(name: "StackPlanStore", dependencies: [
            "StackPlanCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "StackPlanInterchange", dependencies: ["StackPlanCore"]),
        .target(name: "StackPlanCPD", dependencies: ["StackPlanCore", "MILP"]),
        .executableTarget(name: "stackplan", dependencies: [
            "StackPlanCore", "StackPlanStore", "StackPlanInterchange", "StackPlanCPD", "StackPlanGenerator",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "MILPTests", dependencies: ["MILP"]),
        .testTarget(name: "StackPlanCoreTests", dependencies: ["StackPlanCore", "MILP"]),
        .testTarget(name: "StackPlanStoreTests", dependencies: ["StackPlanStore", "StackPlanCore"]),
        // Runs the built `stackplan` executable; depending on it makes `swift build --build-tests` build it.
        .testTarget(name: "StackPlanCLITests", dependencies: ["stackplan"]),
        // The wallet samples are read from the source tree by path, not bundled as resources.
        .testTarget(
            name: "StackPlanInterchangeTests", dependencies: ["StackPlanInterchange", "StackPlanStore", "StackPlanCore"],
            exclude: ["Samples"]),
        .testTarget(name: "StackPlanCPDTests", dependencies: ["StackPlanCPD", "StackPlanCore", "MILP"]),
        .testTarget(name: "ScaleTests", dependencies: ["StackPlanGenerator", "StackPlanStore", "StackPlanCore", "MILP"]),
    ]
)
