import Foundation
import Hummingbird
import MILP
import StackPlanCore
import StackPlanCPD
import StackPlanRendering
import StackPlanStore
import StackPlanText

/// Long work run as jobs: CPD batches, frontiers and large alternatives, each on a thread of
/// its own, with progress streamed as Server-Sent Events, results downloaded as JSON lines or
/// CSV, and cancellation.
///
/// Every job is a row of the database (``ServiceRecordSource``), written as it starts, as its
/// status changes and, at most once a second, as it progresses; the board keeps only the
/// running jobs of this process in memory, with their latest progress and their cancellation.
///
/// Several instances may share one database, so a job belongs to the instance that runs it:
/// the board says every `heartbeat` that its jobs are alive, and learns then of those another
/// instance was asked to stop. A job whose instance restarts (``recoverJobs``) or stays silent
/// for `lease` is marked interrupted by whichever instance notices first, and its partial files
/// go; finished jobs stay until deleted or expired, when their files go with them.
final class JobBoard: @unchecked Sendable {
    /// Jobs that may run at once; more are refused with 429.
    let limit: Int
    /// Where uploads and results are kept.
    let folder: String
    let records: any ServiceRecordSource
    /// How long a finished job and its results are kept.
    let retention: TimeInterval
    /// This instance's name, stored with each job it runs.
    let instance: String
    /// How often the board says its jobs are alive and looks for silent ones.
    let heartbeat: TimeInterval
    /// How long a running job's instance may stay silent before the job is taken as interrupted.
    let lease: TimeInterval
    private let lock = NSLock()
    private var live: [String: Live] = [:]

    private struct Live {
        var record: JobRecord
        let cancellation: SolveCancellation
        var savedAt: Date
    }

    init(limit: Int, folder: String, records: any ServiceRecordSource, retention: TimeInterval,
         instance: String, heartbeat: TimeInterval = JobLease.heartbeat, lease: TimeInterval = JobLease.lease) {
        self.limit = limit
        self.folder = folder
        self.records = records
        self.retention = retention
        self.instance = instance
        self.heartbeat = heartbeat
        self.lease = lease
        Self.keepBeating(self)
    }

    /// Beats on a thread of its own (the database blocks) for as long as the board exists: the
    /// thread holds it weakly, so a board the service drops stops beating within one heartbeat.
    private static func keepBeating(_ board: JobBoard) {
        let interval = board.heartbeat
        let thread = Thread { [weak board] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                guard let board else { return }
                board.beat(now: Date())
            }
        }
        thread.name = "stackplan-job-heartbeat"
        thread.start()
    }

    /// One heartbeat: this instance's jobs are alive (those asked to stop elsewhere, or taken as
    /// interrupted, are stopped here), and the jobs of instances silent for `lease` are
    /// marked interrupted, their partial files removed. A database that cannot be reached now
    /// is tried again at the next beat.
    func beat(now: Date) {
        let running = lock.withLock { Array(live.keys) }
        if let stopping = try? records.keepJobsAlive(running, now: now) {
            for id in stopping { _ = cancel(id, truncatingInput: false) }
        }
        if let silent = try? records.interruptRunningJobs(of: nil, silentSince: now.addingTimeInterval(-lease), now: now) {
            // A job of this board's own is never silent for a lease (it beats), unless the
            // database was out of reach that long: it is stopped here too.
            for record in silent {
                _ = cancel(record.id, truncatingInput: false)
                Files(record).remove()
            }
        }
    }

    /// The job's files: its upload, its JSON lines and its CSV.
    struct Files {
        var input: String, jsonLines: String, csv: String
        init(_ record: JobRecord) {
            input = record.files + ".input"
            jsonLines = record.files + ".jsonl"
            csv = record.files + ".csv"
        }
        func remove() { for path in [input, jsonLines, csv] { unlink(path) } }
    }

    static func json(_ record: JobRecord) -> JSON {
        var fields: [String: JSON] = [
            "id": .string(record.id), "kind": .string(record.kind), "status": .string(record.status.rawValue), "stage": .string(record.stage),
            "createdAt": .string(timestamp(record.createdAt)), "updatedAt": .string(timestamp(record.updatedAt)),
            "links": .object([
                "self": .string("/api/v1/jobs/\(record.id)"), "events": .string("/api/v1/jobs/\(record.id)/events"),
                "results": .string("/api/v1/jobs/\(record.id)/results"),
            ]),
        ]
        fields["progress"] = record.progress
        fields["summary"] = record.summary
        fields["error"] = record.failure.map(JSON.string)
        return .object(fields)
    }

    static func json(_ progress: BatchProgress) -> JSON {
        var fields: [String: JSON] = ["done": .number(Double(progress.records)), "bytesRead": .number(Double(progress.bytesRead))]
        fields["totalBytes"] = progress.totalBytes.map { .number(Double($0)) }
        fields["fraction"] = progress.fractionRead.map { .number(($0 * 1000).rounded() / 1000) }
        return .object(fields)
    }

    static func json(done: Int, total: Int) -> JSON {
        .object(["done": .number(Double(done)), "total": .number(Double(total))])
    }

    /// The job as it stands: this process's live state, else the stored one. Blocks on the database.
    func job(_ id: String) throws -> JobRecord? {
        if let running = lock.withLock({ live[id]?.record }) { return running }
        return try records.job(id)
    }

    /// Registers a new job unless `limit` are running already; expired jobs go first. Blocks on the database.
    func admit(kind: String, owner: Int64, stage: String) throws -> (JobRecord, SolveCancellation) {
        try expire(now: Date())
        let now = Date()
        let id = AccessTokens.randomHex(bytes: 8)
        let record = JobRecord(id: id, kind: kind, ownerID: owner, stage: stage,
                               files: (folder as NSString).appendingPathComponent("stackplan-job-\(id)"), createdAt: now, updatedAt: now,
                               instance: instance)
        let cancellation = SolveCancellation()
        try lock.withLock {
            guard live.count < limit else { throw BlockingWorkQueue.QueueFull(name: "job", slots: limit, waitingLimit: 0) }
            live[id] = Live(record: record, cancellation: cancellation, savedAt: now)
        }
        do {
            try records.createJob(record)
        } catch {
            _ = lock.withLock { live.removeValue(forKey: id) }
            throw error
        }
        return (record, cancellation)
    }

    /// Records progress: in memory at once, in the database at most once a second.
    func progress(_ id: String, stage: String? = nil, _ progress: JSON) {
        let now = Date()
        let due: JobRecord? = lock.withLock {
            guard var job = live[id] else { return nil }
            job.record.progress = progress
            if let stage, !job.cancellation.isCancelled { job.record.stage = stage }
            job.record.updatedAt = now
            let save = now.timeIntervalSince(job.savedAt) >= 1
            if save { job.savedAt = now }
            live[id] = job
            return save ? job.record : nil
        }
        if let due { try? records.updateJob(due) }
    }

    /// Ends a running job: its final state is stored, and it leaves the board. A job asked to
    /// stop ends as cancelled whatever it ended with.
    func finish(_ id: String, _ change: (inout JobRecord, _ cancelled: Bool) -> Void) {
        guard var job = lock.withLock({ live[id] }) else { return }
        change(&job.record, job.cancellation.isCancelled)
        if job.cancellation.isCancelled {
            job.record.status = .cancelled
            job.record.stage = "cancelled"
        }
        job.record.updatedAt = Date()
        // A job whose end cannot be stored stays `running` there: the next start marks it interrupted.
        try? records.updateJob(job.record)
        _ = lock.withLock { live.removeValue(forKey: id) }
        if job.record.status != .done { Files(job.record).remove() }
    }

    /// Asks a job running here to stop: its solves stop at their next check, and a batch's
    /// upload is emptied (unless another instance has removed it already) so that it reads no
    /// further line than what it holds already.
    func cancel(_ id: String, truncatingInput: Bool = true) -> JobRecord? {
        let record: JobRecord? = lock.withLock {
            guard var job = live[id] else { return nil }
            job.cancellation.cancel()
            job.record.stage = "cancelling"
            live[id] = job
            return job.record
        }
        if let record, truncatingInput { _ = truncate(Files(record).input, 0) }
        return record
    }

    /// What became of a job asked to stop.
    enum Stopping {
        /// It was running (here, or on the instance that runs it, which stops it at its next
        /// heartbeat): it ends as cancelled and stays until deleted.
        case cancelling(JobRecord)
        /// It had finished: it is deleted, with its files.
        case deleted
    }

    /// Stops a running job wherever it runs, or deletes a finished one with its files. A job
    /// running on another instance is never deleted under it: that instance is asked to stop
    /// it. Blocks on the database.
    func stop(_ record: JobRecord) throws -> Stopping {
        if let cancelling = cancel(record.id) { return .cancelling(cancelling) }
        if record.status == .running, let requested = try records.requestJobCancellation(record.id, now: Date()) {
            return .cancelling(requested)
        }
        try delete(record)
        return .deleted
    }

    /// Deletes a finished job and its files. Blocks on the database.
    func delete(_ record: JobRecord) throws {
        try records.deleteJob(record.id)
        Files(record).remove()
    }

    /// Deletes the jobs finished more than `retention` ago, with their files.
    func expire(now: Date) throws {
        for record in try records.jobs(finishedBefore: now.addingTimeInterval(-retention)) {
            try delete(record)
        }
    }
}

/// How often an instance says its jobs are alive, and how long it may stay silent before they
/// are taken as interrupted: a lease of several heartbeats, so that a slow database write or a
/// busy moment does not interrupt a job whose instance is alive.
public enum JobLease {
    public static let heartbeat: TimeInterval = 5
    public static let lease: TimeInterval = 30
}

/// Run as the service starts, before it takes requests: the jobs this instance left running
/// when it stopped, and those of instances silent for `lease`, are marked interrupted and their
/// partial files removed; expired jobs are deleted. Jobs other live instances run are theirs.
public func recoverJobs(records: any ServiceRecordSource, instance: String, retention: TimeInterval,
                        lease: TimeInterval = JobLease.lease, now: Date = Date()) throws -> Int {
    let interrupted = try records.interruptRunningJobs(of: instance, silentSince: now.addingTimeInterval(-lease), now: now)
    for record in interrupted { JobBoard.Files(record).remove() }
    for record in try records.jobs(finishedBefore: now.addingTimeInterval(-retention)) {
        try records.deleteJob(record.id)
        JobBoard.Files(record).remove()
    }
    return interrupted.count
}

/// The routes of jobs.
struct JobRoutes {
    let service: ServiceContext
    let board: JobBoard
    /// Largest batch upload, in bytes.
    let maximumUploadBytes: Int

    func register(in table: RouteTable) {
        table.add(.post, "/api/v1/jobs/cpd-batch") { request, context in try await startBatch(request, context) }
        table.add(.post, "/api/v1/jobs/frontier") { request, context in try await startFrontier(request, context) }
        table.add(.post, "/api/v1/jobs/alternatives") { request, context in try await startAlternatives(request, context) }
        table.add(.get, "/api/v1/jobs") { _, context in
            let account = try context.account()
            let records = board.records, board = board
            let jobs = try await service.reads.run { try records.jobs(owner: account.id).map { try board.job($0.id) ?? $0 } }
            return JSONResponse.ok(.array(jobs.map(JobBoard.json)))
        }
        table.add(.get, "/api/v1/jobs/{id}") { _, context in JSONResponse.ok(JobBoard.json(try await visible(context))) }
        table.add(.delete, "/api/v1/jobs/{id}") { _, context in
            let job = try await visible(context)
            let board = board
            // Running (here or on another instance): asked to stop; finished: deleted with its files.
            switch try await service.reads.run({ try board.stop(job) }) {
            case .cancelling(let record): return JSONResponse.ok(JobBoard.json(record), status: .accepted)
            case .deleted: return Response(status: .noContent)
            }
        }
        table.add(.get, "/api/v1/jobs/{id}/events") { _, context in Self.events(try await visible(context).id, board: board, reads: service.reads) }
        table.add(.get, "/api/v1/jobs/{id}/results") { request, context in
            let job = try await visible(context)
            var query = QueryReader(request, known: ["format"])
            enum Format: String, CaseIterable { case jsonl, csv }
            let format = query.enumeration("format", Format.self) ?? .jsonl
            try query.check()
            guard job.status == .done else {
                throw APIProblem(.conflict, type: "conflict", title: "Conflict",
                                 detail: "job \(job.id) is \(job.status.rawValue): results come when it is done")
            }
            let files = JobBoard.Files(job)
            let path = format == .csv ? files.csv : files.jsonLines
            guard let data = try await service.reads.run({ FileManager.default.contents(atPath: path) }) else {
                throw APIProblem(.gone, type: "gone", title: "Gone", detail: "the results of job \(job.id) are no longer kept")
            }
            return JSONResponse.data(data, contentType: format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson")
        }
    }

    /// The job in the path, when the account started it (or is an admin); 404 otherwise.
    private func visible(_ context: APIContext) async throws -> JobRecord {
        let account = try context.account()
        let id = try context.parameters.require("id")
        let board = board
        guard let job = try await service.reads.run({ try board.job(id) }), job.ownerID == account.id || account.role == .admin else {
            throw APIProblem.notFound("there is no job \(id)")
        }
        return job
    }

    private func admit(kind: String, owner: Int64, stage: String) async throws -> (JobRecord, SolveCancellation) {
        let board = board
        return try await service.reads.run { try board.admit(kind: kind, owner: owner, stage: stage) }
    }

    /// Runs `work` on a thread of its own (GLPK and the batch reader block), with the deep stack solves need.
    private func detach(_ work: @escaping @Sendable () -> Void) {
        let thread = Thread(block: work)
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func accepted(_ job: JobRecord) -> Response {
        JSONResponse.ok(JobBoard.json(job), status: .accepted, headers: [.location: "/api/v1/jobs/\(job.id)"])
    }

    // MARK: CPD batches

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
        let (job, _) = try await admit(kind: "cpd-batch", owner: account.id, stage: "receiving records")
        let board = board
        do {
            try await receive(request.body, into: JobBoard.Files(job).input)
        } catch {
            board.finish(job.id) { record, _ in
                record.status = .failed
                record.stage = "upload failed"
                record.failure = "the upload did not arrive whole"
            }
            throw error
        }
        let catalogue = service.catalogue
        detach { Self.runBatch(job, scheme: scheme, format: format, asOf: asOf, cycleEnds: cycleEnds, catalogue: catalogue, board: board) }
        return accepted(job)
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
    static func runBatch(_ job: JobRecord, scheme: CPDScheme, format: CPDBatch.InputFormat, asOf: Day, cycleEnds: Day?,
                                 catalogue source: any CatalogueSource, board: JobBoard) {
        let files = JobBoard.Files(job)
        defer { unlink(files.input) }
        board.progress(job.id, stage: "checking records", .object(["done": .number(0)]))
        do {
            let catalogue = try source.catalogue()
            let runner = CPDBatch(checker: CPDChecker(scheme: scheme, catalogue: catalogue), asOf: asOf, cycleEnds: cycleEnds)
            let lines = try LineReader(path: files.input)
            let jsonLines = try BufferedWriter(path: files.jsonLines)
            let csv = try BufferedWriter(path: files.csv)
            csv.write(BatchResult.csvHeader + "\n")
            let summary = try runner.run(lines, format: format, progress: { progress in
                board.progress(job.id, JobBoard.json(progress))
            }, emit: { result in
                jsonLines.write(String(decoding: result.json.serialized(pretty: false), as: UTF8.self) + "\n")
                csv.write(result.csvRow + "\n")
            })
            try jsonLines.finish()
            try csv.finish()
            board.finish(job.id) { record, _ in
                record.summary = summary.json
                record.status = .done
                record.stage = "done"
            }
        } catch {
            board.finish(job.id) { record, _ in
                record.status = .failed
                record.stage = "failed"
                // Only the batch's own input errors are the client's to read; others stay in the log.
                record.failure = (error as? BatchInputError).map { "\($0)" } ?? "the batch could not be checked"
            }
        }
    }

    // MARK: frontiers and alternatives

    /// `POST /api/v1/jobs/frontier`: the body of `POST /api/v1/frontier`; each point of the
    /// frontier is a line of the results as it is found, progress counting points against `limit`.
    func startFrontier(_ request: Request, _ context: APIContext) async throws -> Response {
        let account = try context.account()
        let json = try await RequestReading.jsonObject(request, limits: service.limits)
        let input = try PlanInput.read(json, limits: service.limits, extraFields: ["limit"])
        let limit = PlanInput.integer(input.reader, "limit", in: 1...1000) ?? 20
        try input.check()
        let planRequest = try input.request()
        guard planRequest.schedule != nil else {
            throw APIProblem.invalidInput(path: "$.hoursPerWeek", "the frontier needs a schedule: give the learner's hours per week")
        }
        let (job, cancellation) = try await admit(kind: "frontier", owner: account.id, stage: "planning")
        let board = board, catalogue = service.catalogue, records = service.records
        detach {
            Self.runPlans(job, board: board, total: limit) { emit in
                let offering = try Offering.read(records, cancellation: cancellation)
                var staged = try offering.apply(planRequest)
                staged.objectives = [.duration, .cost]
                let whole = try catalogue.catalogue()
                let planner = Planner(catalogue: whole)
                var found = 0
                // The summary says why the list ends, as `POST /api/v1/frontier` does (Frontier.End).
                while found < limit && !cancellation.isCancelled {
                    // Each point has the request's time limit; a cancellation stops the one running.
                    staged.solverOptions.deadline = cancellation.deadline(seconds: planRequest.solverOptions.timeLimit)
                    let outcome = try planner.plan(staged)
                    if case .planned(let plan) = outcome {
                        found += 1
                        emit(PlanReport(plan: plan, catalogue: whole, request: staged).json, found)
                    } else if found == 0 && !cancellation.isCancelled {
                        throw PlanningRoutes.noPlan(outcome)
                    }
                    // The next point as `stackplan frontier` plans it, or the end of the list.
                    switch Frontier.next(after: outcome, budget: staged.constraints.budget) {
                    case .budget(let budget): staged.constraints.budget = budget
                    case .end(let reason): return ["end": .string(reason.rawValue)]
                    }
                }
                return ["end": .string(Frontier.End.limit.rawValue)]
            }
        }
        return accepted(job)
    }

    /// `POST /api/v1/jobs/alternatives`: the body of `POST /api/v1/alternatives`, for a large `k`.
    func startAlternatives(_ request: Request, _ context: APIContext) async throws -> Response {
        let account = try context.account()
        let json = try await RequestReading.jsonObject(request, limits: service.limits)
        let input = try PlanInput.read(json, limits: service.limits, extraFields: ["k", "minDifference"])
        let count = PlanInput.integer(input.reader, "k", in: 1...1000) ?? 5
        let minDifference = PlanInput.integer(input.reader, "minDifference", in: 1...1000) ?? 1
        try input.check()
        let planRequest = try input.request()
        let (job, cancellation) = try await admit(kind: "alternatives", owner: account.id, stage: "planning")
        let board = board, catalogue = service.catalogue, records = service.records
        detach {
            Self.runPlans(job, board: board, total: count) { emit in
                let offering = try Offering.read(records, cancellation: cancellation)
                var offered = try offering.apply(planRequest)
                // The whole search shares one deadline of the request's time limit per plan asked for.
                offered.solverOptions.deadline = cancellation.deadline(seconds: planRequest.solverOptions.timeLimit.map { $0 * Double(count) })
                let whole = try catalogue.catalogue()
                let result = try Planner(catalogue: whole).alternatives(offered, count: count, minDifference: minDifference)
                if result.plans.isEmpty && !cancellation.isCancelled { throw PlanningRoutes.noPlan(result.outcome) }
                for (index, plan) in result.plans.enumerated() {
                    emit(PlanReport(plan: plan, catalogue: whole, request: offered).json, index + 1)
                }
                return [:]
            }
        }
        return accepted(job)
    }

    /// Header of a plan job's CSV results: one row per plan.
    static let planCSVHeader = "rank,cost,hours,ects,completes,credentials"

    /// Runs a job that finds plans: each report `emit`ted is a line of JSON and a row of CSV, and
    /// advances the progress; the job ends done, failed (with the reason a client may read) or cancelled.
    /// What `work` returns joins the summary beside the number of plans.
    private static func runPlans(_ job: JobRecord, board: JobBoard, total: Int,
                                 _ work: (_ emit: (JSON, Int) -> Void) throws -> [String: JSON]) {
        let files = JobBoard.Files(job)
        board.progress(job.id, JobBoard.json(done: 0, total: total))
        do {
            let jsonLines = try BufferedWriter(path: files.jsonLines)
            let csv = try BufferedWriter(path: files.csv)
            csv.write(planCSVHeader + "\n")
            var found = 0
            let more = try work { report, rank in
                found = rank
                jsonLines.write(String(decoding: report.serialized(pretty: false), as: UTF8.self) + "\n")
                csv.write(CSVReader.line(planRow(report, rank: rank)) + "\n")
                board.progress(job.id, JobBoard.json(done: rank, total: total))
            }
            try jsonLines.finish()
            try csv.finish()
            board.finish(job.id) { record, _ in
                record.status = .done
                record.stage = "done"
                record.summary = .object(["plans": .number(Double(found))].merging(more) { kept, _ in kept })
            }
        } catch {
            board.finish(job.id) { record, _ in
                record.status = .failed
                record.stage = "failed"
                switch error {
                case let problem as APIProblem: record.failure = problem.detail
                case let classified as any ClassifiedError where classified.kind == .invalidInput || classified.kind == .noPlan:
                    record.failure = classified.description
                default: record.failure = "the plans could not be found"
                }
            }
        }
    }

    /// One plan report as a CSV row: rank, totals, completion and the credentials to take.
    static func planRow(_ report: JSON, rank: Int) -> [String] {
        func number(_ value: JSON?) -> String {
            guard case .number(let number)? = value else { return "" }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        }
        let totals = report["totals"]
        return [String(rank), number(totals?["cost"]), number(totals?["hours"]), number(totals?["ects"]),
                { if case .string(let day)? = report["completes"] { day } else { "" } }(), (report["credentials"]?.arrayItemsOfStrings ?? []).joined(separator: " ")]
    }

    // MARK: events

    /// Server-Sent Events: `progress` while the job runs (done/total and stage), then one `done`,
    /// `failed`, `cancelled` or `interrupted` event with the job, and the stream ends.
    static func events(_ id: String, board: JobBoard, reads: BlockingWorkQueue) -> Response {
        let stream = AsyncStream<ByteBuffer> { continuation in
            let task = Task {
                var last: JSON?
                while !Task.isCancelled {
                    guard let job = try? await reads.run({ try board.job(id) }) else { break }
                    let progress: JSON = .object(["stage": .string(job.stage), "progress": job.progress ?? .null])
                    if progress != last {
                        continuation.yield(ByteBuffer(string: "event: progress\ndata: \(progress.compactText)\n\n"))
                        last = progress
                    }
                    if job.status.isFinished {
                        continuation.yield(ByteBuffer(string: "event: \(job.status.rawValue)\ndata: \(JobBoard.json(job).compactText)\n\n"))
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
