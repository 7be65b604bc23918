import Foundation
import StackPlanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// write(2), out of reach by its plain name inside types that have a `write` of their own.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, bytes, count) }

/// The message of the C library's last error, such as "No space left on device".
private func systemMessage(_ code: Int32) -> String { String(cString: strerror(code)) }

/// Reads a whole input file: a regular file, a pipe, a FIFO or a terminal (`/dev/stdin`, or `-`
/// for standard input). Plain reads until the end, because files that are not regular have no
/// size to read up to.
func readFile(_ path: String) throws -> Data {
    let descriptor = path == "-" ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
        let code = errno
        switch code {
        case ENOENT, ENOTDIR: throw CommandFailure(.invalidInput, "cannot read \(path): no such file")
        default: throw CommandFailure(.ioFailure, "cannot read \(path): \(systemMessage(code))")
        }
    }
    defer { close(descriptor) }
    var info = stat()
    if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        throw CommandFailure(.invalidInput, "cannot read \(path): it is a folder, not a file")
    }
    var data = Data()
    if (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0 { data.reserveCapacity(Int(info.st_size)) }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count == 0 { break }
        if count < 0 {
            if errno == EINTR { continue }
            throw CommandFailure(.ioFailure, "cannot read \(path): \(systemMessage(errno))")
        }
        data.append(contentsOf: chunk[0..<count])
    }
    return data
}

/// Every file the command line writes goes through here.
///
/// A regular file (or a new one) is written to a temporary file in the same folder, every
/// write checked, synced to disk and renamed into place: readers see the old file or the
/// whole new one, never a part, and a failed write (a full disk) leaves the old file as it was.
/// A character device or FIFO (`/dev/null`, a named pipe) is written through, never replaced.
/// Symbolic links are followed to the file they name. A folder, or any other file that is not
/// regular, is refused.
final class OutputFile {
    private enum Destination {
        /// Standard output.
        case standardOutput
        /// A device or FIFO, opened for writing and written in place.
        case through
        /// A temporary file renamed onto `target` at the end.
        case replacing(temporary: String)
    }

    /// The path as the user gave it, for messages; `nil` is standard output.
    let path: String?
    /// The file written in the end, after symbolic links.
    let target: String
    private let destination: Destination
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 16
    private var finished = false

    /// Opens `path` for writing, or standard output for `nil`.
    init(path: String?) throws {
        self.path = path
        guard let path else {
            target = "-"
            destination = .standardOutput
            descriptor = STDOUT_FILENO
            return
        }
        let (target, existing) = try Self.resolve(path)
        self.target = target
        let kind = existing.map { $0.st_mode & S_IFMT }
        switch kind {
        case S_IFCHR?, S_IFIFO?:
            let opened = open(target, O_WRONLY | O_CLOEXEC)
            guard opened >= 0 else { throw Self.failure(path, errno) }
            descriptor = opened
            destination = .through
        case S_IFDIR?:
            throw CommandFailure(.invalidInput, "cannot write \(path): it is a folder; give a file name")
        case nil, S_IFREG?:
            // A file its owner made read-only stays as it is, though its folder would allow the rename.
            if existing != nil && access(target, W_OK) != 0 { throw Self.failure(path, errno) }
            let folder = (target as NSString).deletingLastPathComponent.isEmpty ? "." : (target as NSString).deletingLastPathComponent
            var folderInfo = stat()
            guard stat(folder, &folderInfo) == 0, (folderInfo.st_mode & S_IFMT) == S_IFDIR else {
                throw CommandFailure(.invalidInput, "cannot write \(path): there is no folder \(folder)")
            }
            var template = Array("\(folder)/.\((target as NSString).lastPathComponent).stackplan-XXXXXX".utf8CString)
            let opened = mkstemp(&template)
            guard opened >= 0 else { throw Self.failure(path, errno) }
            let temporary = String(cString: template)
            // mkstemp makes the file private; give it the old file's permissions, or a new file's.
            let mask = umask(0)
            umask(mask)
            let mode = existing.map { $0.st_mode & 0o7777 } ?? (0o666 & ~mask)
            if fchmod(opened, mode) != 0 {
                let code = errno
                close(opened)
                unlink(temporary)
                throw Self.failure(path, code)
            }
            descriptor = opened
            destination = .replacing(temporary: temporary)
        default:
            throw CommandFailure(.invalidInput, "cannot write \(path): it is not a regular file, and StackPlan replaces only regular files")
        }
    }

    deinit {
        // Not committed: an error stopped the command; whatever was written so far is dropped.
        guard !finished else { return }
        switch destination {
        case .standardOutput: break
        case .through: close(descriptor)
        case .replacing(let temporary):
            close(descriptor)
            unlink(temporary)
        }
    }

    /// Follows symbolic links to the file they end at; `nil` status when that does not exist yet.
    private static func resolve(_ path: String) throws -> (String, stat?) {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            if lstat(current, &info) != 0 {
                let code = errno
                if code == ENOENT { return (current, nil) }
                if code == ENOTDIR {
                    throw CommandFailure(.invalidInput, "cannot write \(path): there is no folder \((current as NSString).deletingLastPathComponent)")
                }
                throw failure(path, code)
            }
            guard (info.st_mode & S_IFMT) == S_IFLNK else { return (current, info) }
            var bytes = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &bytes, bytes.count - 1)
            guard length >= 0 else { throw failure(path, errno) }
            let link = String(decoding: bytes[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(link)
        }
        throw CommandFailure(.invalidInput, "cannot write \(path): too many symbolic links")
    }

    private static func failure(_ path: String, _ code: Int32) -> CommandFailure {
        CommandFailure(.ioFailure, "cannot write \(path): \(systemMessage(code))")
    }

    func write(_ data: Data) throws {
        buffer.append(contentsOf: data)
        if buffer.count >= bufferLimit { try flush() }
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= bufferLimit { try flush() }
    }

    private func flush() throws {
        var offset = 0
        try buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure(path ?? "standard output", errno)
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and puts the file in place. Until this returns, the old file stands.
    func commit() throws {
        try flush()
        finished = true
        switch destination {
        case .standardOutput: return
        case .through:
            guard close(descriptor) == 0 else { throw Self.failure(path ?? target, errno) }
        case .replacing(let temporary):
            // Data on disk before the name points at it: a crash leaves the old file or the new one.
            let synced = fsync(descriptor) == 0 ? 0 : errno
            let closed = close(descriptor) == 0 ? 0 : errno
            if synced != 0 || closed != 0 {
                unlink(temporary)
                throw Self.failure(path ?? target, synced != 0 ? synced : closed)
            }
            guard rename(temporary, target) == 0 else {
                let code = errno
                unlink(temporary)
                throw Self.failure(path ?? target, code)
            }
            let folder = (target as NSString).deletingLastPathComponent
            let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
            if directory >= 0 {
                // Makes the rename itself durable; not every file system allows it, so a failure is not an error.
                _ = fsync(directory)
                close(directory)
            }
        }
    }

    /// Lets another writer (GLPK, which takes a path) produce the file, then puts it in place as
    /// ``commit()`` does. For a device or FIFO the file is produced aside and copied through.
    func produce(by writer: (String) throws -> Void) throws {
        // The writer knows only the temporary path; messages name the file the user gave.
        func naming(_ temporary: String) throws {
            do {
                try writer(temporary)
            } catch let error as ClassifiedError where error.kind == .ioFailure {
                throw CommandFailure(.ioFailure, "cannot write \(path ?? target): the disk may be full, or the file too large")
            }
        }
        switch destination {
        case .standardOutput:
            try produceAside(by: naming)
        case .through:
            try produceAside(by: naming)
        case .replacing(let temporary):
            try naming(temporary)
            var info = stat()
            guard stat(temporary, &info) == 0 else { throw Self.failure(path ?? target, errno) }
            try commit()
        }
    }

    private func produceAside(by writer: (String) throws -> Void) throws {
        var template = Array("\(NSTemporaryDirectory())/stackplan-output-XXXXXX".utf8CString)
        let aside = mkstemp(&template)
        guard aside >= 0 else { throw Self.failure(path ?? target, errno) }
        close(aside)
        let asidePath = String(cString: template)
        defer { unlink(asidePath) }
        try writer(asidePath)
        try write(try readFile(asidePath))
        try commit()
    }
}

/// Writes a command's output to `path`, or to standard output without one.
func writeOutput(_ data: Data, to path: String?) throws {
    let file = try OutputFile(path: path)
    try file.write(data)
    try file.commit()
}

func writeOutput(_ text: String, to path: String?) throws { try writeOutput(Data(text.utf8), to: path) }
