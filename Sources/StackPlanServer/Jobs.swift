import Foundation
import Hummingbird
import StackPlanCore
import StackPlanCPD
import StackPlanStore
import StackPlanText

/// Long work run as a job: a CPD batch uploaded whole, checked on a thread of its own, with its
/// progress streamed as Server-Sent Events, its results downloaded as JSON lines or CSV, and
/// cancellation. Jobs live in memory: a restart forgets them (their uploads are removed).
final class JobBoard: @unchecked Sendable {
    enum Status: String, Sendable { case running, done, failed, cancelled }

    struct Job: Sendable {
        var id: String
        var kind: String
        var owner: Int64
        var status: Status = .running
        var stage = "checking records"
        var progress: BatchProgress?
        var summary: JSON?
        var failure: String?
        /// The upload, read by the batch; emptied to cancel.
        var input: String
        var jsonLines: String
        var csv: String
        var cancelRequested = false

        var finished: Bool { status != .running }

        var json: JSON {
            var fields: [String: JSON] = [
                "id": .string(id), "kind": .string(kind), "status": .string(status.rawValue), "stage": .string(stage),
                "links": .object([
                    "self": .string("/api/v1/jobs/\(id)"), "events": .string("/api/v1/jobs/\(id)/events"),
                    "results": .string("/api/v1/jobs/\(id)/results"),
                ]),
            ]
            if let progress { fields["progress"] = JobBoard.json(progress) }
            fields["summary"] = summary
            fields["error"] = failure.map(JSON.string)
            return .object(fields)
        }
    }

    /// Jobs that may run at once; more are refused with 429.
    let limit: Int
    let folder: String
    private let lock = NSLock()
    private var jobs: [String: Job] = [:]

    init(limit: Int, folder: String = NSTemporaryDirectory()) {
        self.limit = limit
        self.folder = folder
    }

    static func json(_ progress: BatchProgress) -> JSON {
        var fields: [String: JSON] = ["done": .number(Double(progress.records)), "bytesRead": .number(Double(progress.bytesRead))]
        fields["totalBytes"] = progress.totalBytes.map { .number(Double($0)) }
        fields["fraction"] = progress.fractionRead.map { .number(($0 * 1000).rounded() / 1000) }
        return .object(fields)
    }

    func job(_ id: String) -> Job? { lock.withLock { jobs[id] } }

    func update(_ id: String, _ change: (inout Job) -> Void) {
        lock.withLock {
            if var job = jobs[id] {
                change(&job)
                jobs[id] = job
            }
        }
    }

    /// Registers a new job unless `limit` are running already.
    func admit(kind: String, owner: Int64) throws -> Job {
        try lock.withLock {
            guard jobs.values.filter({ !$0.finished }).count < limit else {
                throw BlockingWorkQueue.QueueFull(name: "job", slots: limit, waitingLimit: 0)
            }
            let id = AccessTokens.randomHex(bytes: 8)
            let base = (folder as NSString).appendingPathComponent("stackplan-job-\(id)")
            let job = Job(id: id, kind: kind, owner: owner, input: base + ".input", jsonLines: base + ".jsonl", csv: base + ".csv")
            jobs[id] = job
            return job
        }
    }

    /// Asks a running job to stop: its input is emptied, so the batch reads no further line
    /// than what it holds already (at most one read buffer).
    func cancel(_ id: String) {
        update(id) { job in
            guard !job.finished else { return }
            job.cancelRequested = true
            job.stage = "cancelling"
        }
        if let job = job(id) { _ = truncate(job.input, 0) }
    }
}

/// The routes of jobs: CPD batches (regulators and admins).
struct JobRoutes {
    let service: ServiceContext
    let board: JobBoard
    /// Largest batch upload, in bytes.
    let maximumUploadBytes: Int

    func register(in table: RouteTable) {
        table.add(.post, "/api/v1/jobs/cpd-batch") { request, context in try await startBatch(request, context) }
        table.add(.get, "/api/v1/jobs/{id}") { _, context in JSONResponse.ok(try visible(context).json) }
        table.add(.delete, "/api/v1/jobs/{id}") { _, context in
            let job = try visible(context)
            board.cancel(job.id)
            return JSONResponse.ok(board.job(job.id)?.json ?? job.json, status: .accepted)
        }
        table.add(.get, "/api/v1/jobs/{id}/events") { _, context in events(try visible(context).id) }
        table.add(.get, "/api/v1/jobs/{id}/results") { request, context in
            let job = try visible(context)
            var query = QueryReader(request, known: ["format"])
            enum Format: String, CaseIterable { case jsonl, csv }
            let format = query.enumeration("format", Format.self) ?? .jsonl
            try query.check()
            guard job.status == .done else {
                throw APIProblem(.conflict, type: "conflict", title: "Conflict",
                                 detail: "job \(job.id) is \(job.status.rawValue): results come when it is done")
            }
            let path = format == .csv ? job.csv : job.jsonLines
            let data = try await service.reads.run { FileManager.default.contents(atPath: path) ?? Data() }
            return JSONResponse.data(data, contentType: format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson")
        }
    }

    /// The job in the path, when the account started it (or is an admin); 404 otherwise.
    private func visible(_ context: APIContext) throws -> JobBoard.Job {
        let account = try context.account()
        let id = try context.parameters.require("id")
        guard let job = board.job(id), job.owner == account.id || account.role == .admin else {
            throw APIProblem.notFound("there is no job \(id)")
        }
        return job
    }

    /// `POST /api/v1/jobs/cpd-batch?scheme=ID&format=jsonl|csv[&asOf=DAY][&cycleEnds=DAY]`, the
    /// records as the body: `stackplan cpd check --batch` as a job.
    func startBatch(_ request: Request, _ context: APIContext) async throws -> Response {
        let account = try context.account()
        guard account.role == .regulator || account.role == .admin else {
            throw APIProblem.forbidden("CPD batches are for regulators")
        }
        var query = QueryReader(request, known: ["scheme", "format", "asOf", "cycleEnds"])
        let schemeID = query.string("scheme")
        let format = query.enumeration("format", CPDBatch.InputFormat.self)
        let asOf = query.day("asOf") ?? Day.current
        let cycleEnds = query.day("cycleEnds")
        if schemeID == nil { query.problems.append(ProblemDetail(path: "query.scheme", message: "is required: the scheme's id")) }
        if format == nil && query.string("format") == nil {
            query.problems.append(ProblemDetail(path: "query.format", message: "is required: jsonl or csv"))
        }
        for (name, day) in [("asOf", asOf), ("cycleEnds", cycleEnds)] {
            if let day, let problem = CPDLimits.problem(day) { query.problems.append(ProblemDetail(path: "query.\(name)", message: problem)) }
        }
        try query.check()
        let path = service.schemesPath
        let book = try await service.reads.run { () -> CPDSchemeBook in
            guard let data = FileManager.default.contents(atPath: path) else { throw RegulatorRoutes.SchemeFileMissing(path: path) }
            return try CPDSchemeBook.read(data, file: path)
        }
        guard let scheme = book.scheme(schemeID ?? ""), let format else {
            throw APIProblem.notFound("there is no CPD scheme \"\(schemeID ?? "")\"")
        }
        let job = try board.admit(kind: "cpd-batch", owner: account.id)
        do {
            try await receive(request.body, into: job.input)
        } catch {
            board.update(job.id) { $0.status = .failed; $0.stage = "upload failed" }
            for path in [job.input, job.jsonLines, job.csv] { unlink(path) }
            throw error
        }
        let catalogue = service.catalogue
        let board = board
        let thread = Thread {
            Self.runBatch(job, scheme: scheme, format: format, asOf: asOf, cycleEnds: cycleEnds, catalogue: catalogue, board: board)
        }
        thread.stackSize = 8 << 20
        thread.start()
        return JSONResponse.ok(job.json, status: .accepted, headers: [.location: "/api/v1/jobs/\(job.id)"])
    }

    /// Streams the upload to its file, refusing it past the limit.
    private func receive(_ body: RequestBody, into path: String) async throws {
        guard let file = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { throw JobFailure(message: "cannot store the upload") }
        defer { try? file.close() }
        var received = 0
        for try await chunk in body {
            received += chunk.readableBytes
            guard received <= maximumUploadBytes else {
                throw APIProblem(.contentTooLarge, type: "too-large", title: "Content too large",
                                 detail: "a batch may hold at most \(maximumUploadBytes) bytes")
            }
            try file.write(contentsOf: Data(chunk.readableBytesView))
        }
    }

    struct JobFailure: ClassifiedError {
        var message: String
        var kind: ErrorKind { .ioFailure }
        var description: String { message }
    }

    /// The batch itself, on its own thread: results to both files, progress to the board.
    private static func runBatch(_ job: JobBoard.Job, scheme: CPDScheme, format: CPDBatch.InputFormat, asOf: Day, cycleEnds: Day?,
                                 catalogue source: any CatalogueSource, board: JobBoard) {
        defer { unlink(job.input) }
        do {
            let catalogue = try source.catalogue()
            let runner = CPDBatch(checker: CPDChecker(scheme: scheme, catalogue: catalogue), asOf: asOf, cycleEnds: cycleEnds)
            let lines = try LineReader(path: job.input)
            let jsonLines = try BufferedWriter(path: job.jsonLines)
            let csv = try BufferedWriter(path: job.csv)
            csv.write(BatchResult.csvHeader + "\n")
            let summary = try runner.run(lines, format: format, progress: { progress in
                board.update(job.id) { $0.progress = progress }
            }, emit: { result in
                jsonLines.write(String(decoding: result.json.serialized(pretty: false), as: UTF8.self) + "\n")
                csv.write(result.csvRow + "\n")
            })
            try jsonLines.finish()
            try csv.finish()
            board.update(job.id) { state in
                state.summary = summary.json
                state.status = state.cancelRequested ? .cancelled : .done
                state.stage = state.cancelRequested ? "cancelled" : "done"
            }
        } catch {
            board.update(job.id) { state in
                state.status = state.cancelRequested ? .cancelled : .failed
                state.stage = state.cancelRequested ? "cancelled" : "failed"
                // Only the batch's own input errors are the client's to read; others stay in the log.
                state.failure = (error as? BatchInputError).map { "\($0)" } ?? "the batch could not be checked"
            }
        }
    }

    /// Server-Sent Events: `progress` while the job runs (done/total and stage), then one `done`,
    /// `failed` or `cancelled` event with the job, and the stream ends.
    private func events(_ id: String) -> Response {
        let board = board
        let stream = AsyncStream<ByteBuffer> { continuation in
            let task = Task {
                var last: JSON?
                while !Task.isCancelled {
                    guard let job = board.job(id) else { break }
                    let progress: JSON = .object([
                        "stage": .string(job.stage), "progress": job.progress.map(JobBoard.json) ?? .null,
                    ])
                    if progress != last {
                        continuation.yield(ByteBuffer(string: "event: progress\ndata: \(progress.compactText)\n\n"))
                        last = progress
                    }
                    if job.finished {
                        continuation.yield(ByteBuffer(string: "event: \(job.status.rawValue)\ndata: \(job.json.compactText)\n\n"))
                        break
                    }
                    try? await Task.sleep(for: .milliseconds(200))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: ResponseBody(asyncSequence: stream))
    }
}
