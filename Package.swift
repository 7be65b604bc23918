// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "StackPlan",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "stackplan", targets: ["stackplan"]),
        .library(name: "MILP", targets: ["MILP"]),
        .library(name: "StackPlanCore", targets: ["StackPlanCore"]),
        .library(name: "StackPlanStore", targets: ["StackPlanStore"]),
        .library(name: "StackPlanInterchange", targets: ["StackPlanInterchange"]),
        .library(name: "StackPlanRendering", targets: ["StackPlanRendering"]),
        .library(name: "StackPlanCPD", targets: ["StackPlanCPD"]),
        .library(name: "StackPlanServer", targets: ["StackPlanServer"]),
        .library(name: "StackPlanPostgres", targets: ["StackPlanPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.0.0"),
        // jwt-kit 5.7 and later need swift-crypto 4; the range also admits 3 for older jwt-kit.
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        // secp256k1 (ES256K, did:key zQ3s…) is not in swift-crypto; its arithmetic uses BigInt.
        .package(url: "https://github.com/attaswift/BigInt", "5.3.0"..<"7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        // NIOCore's Channel: the service watches a client's connection to cancel its solve.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0"),
        // The PostgreSQL store (issue 15).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        // Templates of the web pages (issue 14).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // GLPK ships no pkg-config file on Debian; the module map links libglpk directly.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK"),
        .target(name: "MILP", dependencies: [
            "CGLPK",
            .product(name: "OrderedCollections", package: "swift-collections"),
        ]),
        // JSON and CSV text, read and written in one place for the core, interchange and CPD.
        .target(name: "StackPlanText"),
        .target(name: "StackPlanCore", dependencies: ["MILP", "StackPlanText"]),
        .target(name: "StackPlanGenerator", dependencies: ["StackPlanCore"]),
        .target(name: "StackPlanStore", dependencies: [
            "StackPlanCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's own binding calls, for the import's million-row loop (RowWriting.swift).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        // The same store protocols on PostgreSQL, for several service instances on one database (issue 15).
        .target(name: "StackPlanPostgres", dependencies: [
            "StackPlanStore", "StackPlanCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // English text (and --json) renderings of the core's typed results, for every front end.
        .target(name: "StackPlanRendering", dependencies: ["StackPlanCore"]),
        // Offline verification of credential proofs (JOSE and Data Integrity), with bundled JSON-LD contexts.
        .target(name: "StackPlanVerification", dependencies: [
            "StackPlanCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "BigInt", package: "BigInt"),
        ], resources: [.copy("Resources")]),
        .target(name: "StackPlanInterchange", dependencies: ["StackPlanCore", "StackPlanRendering", "StackPlanVerification", "StackPlanCPD"]),
        .target(name: "StackPlanCPD", dependencies: ["StackPlanCore", "MILP"]),
        // The HTTP API (issue 13): the same core and store calls as the CLI, answered as JSON.
        .target(name: "StackPlanServer", dependencies: [
            "StackPlanCore", "StackPlanStore", "StackPlanInterchange", "StackPlanCPD", "StackPlanRendering", "StackPlanText",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Mustache", package: "swift-mustache"),
        ], resources: [.copy("Resources")]),
        .executableTarget(name: "stackplan", dependencies: [
            "StackPlanCore", "StackPlanStore", "StackPlanInterchange", "StackPlanCPD", "StackPlanGenerator", "StackPlanRendering", "StackPlanVerification",
            "StackPlanServer", "StackPlanPostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "MILPTests", dependencies: ["MILP"]),
        .testTarget(name: "StackPlanCoreTests", dependencies: ["StackPlanCore", "StackPlanRendering", "MILP"]),
        .testTarget(name: "StackPlanRenderingTests", dependencies: ["StackPlanRendering", "StackPlanCore", "MILP"]),
        // SQL fixtures of databases made by earlier versions, read from the source tree by path.
        .testTarget(name: "StackPlanStoreTests", dependencies: ["StackPlanStore", "StackPlanCore"], exclude: ["Fixtures"]),
        // Runs the built `stackplan` executable; depending on it makes `swift build --build-tests` build it.
        .testTarget(name: "StackPlanCLITests", dependencies: ["stackplan"]),
        // The wallet samples are read from the source tree by path, not bundled as resources.
        .testTarget(
            name: "StackPlanInterchangeTests",
            dependencies: ["StackPlanInterchange", "StackPlanRendering", "StackPlanStore", "StackPlanCore", "StackPlanVerification", "StackPlanCPD",
                           .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Samples"]),
        .testTarget(
            name: "StackPlanVerificationTests",
            dependencies: ["StackPlanVerification", "StackPlanCore",
                           // An independent JOSE implementation signs test tokens.
                           .product(name: "JWTKit", package: "jwt-kit"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto"),
                           .product(name: "BigInt", package: "BigInt")],
            resources: [.copy("Vectors")]),
        .testTarget(name: "StackPlanServerTests", dependencies: [
            "StackPlanServer", "StackPlanStore", "StackPlanCore", "StackPlanRendering", "StackPlanCPD", "MILP",
            // Built so that a test can compare the API's answers with the command line's.
            "stackplan",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        ]),
        // The store's contract on both backends; PostgreSQL from $STACKPLAN_TEST_POSTGRES (scripts/test-postgres.sh).
        .testTarget(name: "StackPlanPostgresTests", dependencies: [
            "StackPlanPostgres", "StackPlanStore", "StackPlanCore", "StackPlanGenerator", "stackplan",
            // To make a SQLite database as an earlier version left it.
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "StackPlanTextTests", dependencies: ["StackPlanText"]),
        .testTarget(name: "StackPlanCPDTests", dependencies: ["StackPlanCPD", "StackPlanCore", "MILP"]),
        .testTarget(name: "ScaleTests", dependencies: [
            "StackPlanGenerator", "StackPlanStore", "StackPlanCore", "StackPlanRendering", "MILP",
            // Streamed and whole imports are compared table by table.
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
