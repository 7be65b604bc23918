import Foundation
import StackPlanCore

/// Graphviz's `dot`, found on the PATH.
public enum GraphvizRenderer {
    /// The failure of `dot` itself: a fault of the machine's set-up, not of the input.
    public struct Failure: ClassifiedError {
        public var message: String
        public var kind: ErrorKind { .internalFault }
        public var description: String { message }
    }

    /// SVG for `dot`, or `nil` when Graphviz is not installed.
    public static func svg(_ dot: String) throws -> Data? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let executable = directories.map({ "\($0)/dot" }).first(where: FileManager.default.isExecutableFile) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-Tsvg"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Written from another thread: dot may fill its output pipe before it has read all its input.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(dot.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        let messages = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "dot failed: \(String(decoding: messages, as: UTF8.self))")
        }
        return svg
    }
}
