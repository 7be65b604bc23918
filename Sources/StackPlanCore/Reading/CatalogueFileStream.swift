import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A catalogue document in a file, read a credential at a time so that a national catalogue's
/// import does not hold the whole document (a million credentials take gigabytes as values).
///
/// The file is mapped into memory and its pages handed back to the system as soon as they are
/// read, so what the process holds does not grow with the file. The top-level members other than
/// `credentials` (base currency, rates, providers, qualifications: small) are read first, into
/// ``shell``; ``readCredentials(batchSize:context:_:)`` then reads the credentials in batches.
///
/// This is a fast path for documents with nothing to report. Whatever it cannot read exactly as
/// ``CatalogueDocument`` reads a whole document, and every problem or warning that reading and
/// ``CatalogueValidator`` would report, makes it answer `nil` or `false`: the caller then reads
/// the whole document, which reports everything with its JSON path as before.
package final class CatalogueFileStream {
    private let descriptor: Int32
    private let base: UnsafeMutableRawPointer
    private let size: Int
    private var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size) }
    /// Bytes before this offset were handed back to the system (page-aligned).
    private var released = 0
    /// Offset of the credentials array's `[`.
    private var credentialsStart = 0
    /// Base currency, rates, providers and qualifications; no credentials.
    package private(set) var shell = Catalogue()

    /// What reading the credentials found besides the credentials.
    package struct Credentials {
        /// How many were read.
        package var count = 0
        /// Ids their prerequisites and overlaps name outside their own batch: each must be in
        /// the document or stored, which only the caller, once every batch is written, can tell.
        package var namedOutsideTheirBatch: Set<String> = []
    }

    /// Maps the file and reads everything but its credentials. `nil` when the file is no regular
    /// file that can be mapped, or when its document is not read exactly here (an unusual shape,
    /// a syntax error, anything reading its top-level members would report).
    package init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0,
              let mapped = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        base = mapped
        size = Int(status.st_size)
        guard let shell = readShell() else { return nil }
        self.shell = shell
    }

    deinit {
        munmap(base, size)
        close(descriptor)
    }

    // MARK: Scanning

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")

    private func skipSpace(_ position: Int) -> Int {
        let bytes = self.bytes
        var index = position
        while index < size {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// Hands the pages before `offset` back: a private read-only mapping reads them again from
    /// the file if touched, so this only lowers what the process holds.
    private func release(upTo offset: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = offset / page * page
        guard end - released >= 16 << 20 else { return }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// The end (one past) of the JSON value that starts at `start`, found by balancing brackets
    /// outside strings; the value itself is checked by parsing it. `nil` when the text ends first.
    private func valueEnd(_ start: Int) -> Int? {
        guard start < size else { return nil }
        let bytes = self.bytes
        var index = start
        switch bytes[index] {
        case Self.quote:
            index += 1
            while index < size {
                switch bytes[index] {
                case Self.backslash: index += 2
                case Self.quote: return index + 1
                default: index += 1
                }
            }
            return nil
        case Self.openBrace, Self.openBracket:
            var depth = 0
            while index < size {
                switch bytes[index] {
                case Self.quote:
                    index += 1
                    while index < size && bytes[index] != Self.quote { index += bytes[index] == Self.backslash ? 2 : 1 }
                case Self.openBrace, Self.openBracket: depth += 1
                case Self.closeBrace, Self.closeBracket:
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
                if index & 0xFFFFF == 0 { release(upTo: index) }
            }
            return nil
        default:
            while index < size {
                switch bytes[index] {
                case Self.comma, Self.closeBrace, Self.closeBracket, 0x20, 0x09, 0x0A, 0x0D: return index
                default: index += 1
                }
            }
            return index
        }
    }

    private func parse(_ start: Int, _ end: Int) -> JSON? {
        try? JSONReader.parse(bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]))
    }

    /// Reads the top-level object, skipping over the credentials.
    private func readShell() -> Catalogue? {
        var index = skipSpace(0)
        guard index < size, bytes[index] == Self.openBrace else { return nil }
        index = skipSpace(index + 1)
        var members: [String: JSON] = [:]
        var sawCredentials = false
        while index < size, bytes[index] != Self.closeBrace {
            guard bytes[index] == Self.quote, let keyEnd = valueEnd(index), case .string(let key)? = parse(index, keyEnd) else { return nil }
            index = skipSpace(keyEnd)
            guard index < size, bytes[index] == Self.colon else { return nil }
            let valueStart = skipSpace(index + 1)
            guard let end = valueEnd(valueStart), members[key] == nil, !(key == "credentials" && sawCredentials) else { return nil }
            if key == "credentials" {
                guard bytes[valueStart] == Self.openBracket else { return nil }
                credentialsStart = valueStart
                sawCredentials = true
                release(upTo: end)
            } else {
                guard let value = parse(valueStart, end) else { return nil }
                members[key] = value
            }
            index = skipSpace(end)
            guard index < size else { return nil }
            if bytes[index] == Self.comma { index = skipSpace(index + 1) } else if bytes[index] != Self.closeBrace { return nil }
        }
        guard index < size, sawCredentials, skipSpace(index + 1) == size else { return nil }
        members["credentials"] = .array([])
        let log = IssueLog()
        guard let shell = CatalogueDocument.parse(.object(members), log: log), log.issues.isEmpty else { return nil }
        // The validator's own checks of the shell (currencies, providers; qualifications need the credentials, later).
        let validator = CatalogueValidator(shell)
        validator.checkCurrencies()
        validator.checkProviders()
        guard validator.log.issues.isEmpty else { return nil }
        return shell
    }

    // MARK: Credentials

    /// Reads the credentials in batches of up to `batchSize`, each read and validated as the whole
    /// document's are: structure, ranges, fees, the provider, currencies, ids unique across the
    /// document, prerequisite cycles inside the batch. `context` holds what is stored (providers,
    /// rates, qualifications, with the shell's qualifications too). References to credentials in
    /// other batches are taken as existing and collected for the caller to check.
    ///
    /// Calls `body` with each batch as a catalogue (the shell's providers and settings, the batch's
    /// credentials). Returns `nil` when anything would be reported: the caller must read the whole
    /// document then.
    package func readCredentials(batchSize: Int, context: Catalogue, _ body: (Catalogue) throws -> Void) throws -> Credentials? {
        var found = Credentials()
        // Ids seen, by hash: a million ids as strings would take a hundred megabytes. Two ids
        // with one hash (about one import in ten million at this size) look like a duplicate,
        // which only sends the document to the whole reading: never a wrong import.
        var seen: Set<Int> = []
        var batch: [Credential] = []
        let log = IssueLog()

        func flush() throws -> Bool {
            guard !batch.isEmpty else { return true }
            let catalogue = Catalogue(
                baseCurrency: shell.baseCurrency, exchangeRates: shell.exchangeRates, providers: shell.providers, credentials: batch)
            CatalogueDocument.checkFeesInBaseCurrency(catalogue, log: log)
            var outside: Set<String> = []
            for credential in batch {
                for id in (credential.prerequisites?.credentialIDs ?? []) + credential.excludes where catalogue.credential(id) == nil {
                    outside.insert(id)
                }
            }
            var resolving = context
            for id in outside.sorted() { resolving.append(Credential(id: id, title: "", provider: "", kind: .module, ects: nil, eqf: 0)) }
            found.namedOutsideTheirBatch.formUnion(outside)
            guard log.issues.isEmpty, CatalogueValidator(catalogue, resolvingAgainst: resolving).run().isEmpty else { return false }
            try body(catalogue)
            batch.removeAll(keepingCapacity: true)
            return true
        }

        // The skim of the shell handed these pages back already; they come back from the file as they are read.
        released = credentialsStart / Int(sysconf(Int32(_SC_PAGESIZE))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        var index = skipSpace(credentialsStart + 1)
        guard index < size else { return nil }
        if bytes[index] == Self.closeBracket { return found }
        while true {
            guard let end = valueEnd(index), let value = parse(index, end) else { return nil }
            guard let credential = CatalogueDocument.readCredential(value, path: "$.credentials[\(found.count)]", log: log),
                  log.issues.isEmpty, seen.insert(credential.id.hashValue).inserted else { return nil }
            batch.append(credential)
            found.count += 1
            if batch.count >= batchSize {
                guard try flush() else { return nil }
                release(upTo: end)
            }
            index = skipSpace(end)
            guard index < size else { return nil }
            if bytes[index] == Self.closeBracket { break }
            guard bytes[index] == Self.comma else { return nil }
            index = skipSpace(index + 1)
        }
        guard try flush() else { return nil }
        return found
    }

    /// Whether the qualifications of the shell pass the validator, given `context`: what is
    /// stored (providers, rates, qualifications) and the credentials they name, the document's
    /// among them (written by then).
    package func qualificationsAreValid(context: Catalogue) -> Bool {
        let validator = CatalogueValidator(
            Catalogue(baseCurrency: shell.baseCurrency, exchangeRates: shell.exchangeRates, providers: shell.providers,
                      qualifications: shell.qualifications),
            resolvingAgainst: context)
        validator.checkQualifications()
        return validator.log.issues.isEmpty
    }

    /// Whether prerequisite edges (credential → the ids its prerequisites name) hold a cycle.
    package static func hasCycle(_ edges: [String: [String]]) -> Bool {
        !DirectedGraph(successors: edges).cycles().isEmpty
    }
}
