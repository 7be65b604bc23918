import Foundation
import Hummingbird
import StackPlanCore
import StackPlanCPD

/// The regulator's tools: CPD schemes, one record's check, coverage, and the micro-credential lint.
struct RegulatorRoutes {
    let service: ServiceContext

    func register(in table: RouteTable) {
        table.add(.get, "/api/v1/cpd/schemes") { _, _ in
            JSONResponse.ok(.array(try await schemes().schemes.map(CPDSchemeDocument.json)))
        }
        table.add(.get, "/api/v1/cpd/schemes/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let scheme = try await schemes().scheme(id) else { throw APIProblem.notFound("there is no CPD scheme \"\(id)\"") }
            return JSONResponse.ok(CPDSchemeDocument.json(scheme))
        }
        table.add(.post, "/api/v1/cpd/check") { request, _ in try await check(request) }
        table.add(.get, "/api/v1/cpd/coverage") { request, _ in try await coverage(request) }
        table.add(.get, "/api/v1/lint") { request, _ in
            var query = QueryReader(request, known: ["provider", "hoursPerEcts"])
            let provider = query.string("provider")
            let hours = try hoursPerECTS(&query)
            try query.check()
            return JSONResponse.ok(try await service.read { try Self.lint($0.catalogue(), provider: provider, hoursPerECTS: hours) })
        }
        table.add(.post, "/api/v1/lint") { request, _ in
            var query = QueryReader(request, known: ["provider", "hoursPerEcts"])
            let provider = query.string("provider")
            let hours = try hoursPerECTS(&query)
            try query.check()
            let body = try await RequestReading.jsonObject(request, limits: service.limits)
            let catalogue = try CatalogueDocument.read(body.serialized(pretty: false))
            return JSONResponse.ok(try Self.lint(catalogue, provider: provider, hoursPerECTS: hours))
        }
    }

    private func hoursPerECTS(_ query: inout QueryReader) throws -> Double {
        guard let text = query.string("hoursPerEcts") else { return 25 }
        guard let hours = Double(text), (1...100).contains(hours) else {
            throw APIProblem.invalidInput(path: "query.hoursPerEcts", "must be a number from 1 to 100, found \"\(text)\"")
        }
        return hours
    }

    /// `stackplan lint --json`.
    static func lint(_ catalogue: Catalogue, provider: String?, hoursPerECTS: Double) throws -> JSON {
        if let provider, catalogue.provider(provider) == nil { throw APIProblem.notFound("the catalogue has no provider \"\(provider)\"") }
        return MicroCredentialLint(catalogue: catalogue, hoursPerECTS: hoursPerECTS, provider: provider).json
    }

    /// The scheme file the service was started with.
    private func schemes() async throws -> CPDSchemeBook {
        let path = service.schemesPath
        return try await service.reads.run {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SchemeFileMissing(path: path)
            }
            return try CPDSchemeBook.read(data, file: path)
        }
    }

    /// The operator gave no readable scheme file: the service's fault, not the client's.
    struct SchemeFileMissing: ClassifiedError {
        var path: String
        var kind: ErrorKind { .ioFailure }
        var description: String { "cannot read the CPD scheme file \(path)" }
    }

    /// `stackplan cpd check RECORD --json`: one practitioner's record against a scheme.
    func check(_ request: Request) async throws -> Response {
        let body = try await RequestReading.jsonObject(request, limits: service.limits)
        let log = IssueLog()
        guard let reader = ObjectReader(body, path: "$", log: log) else { throw InvalidDocument(issues: log.issues) }
        for name in reader.fields.keys.sorted() where !["record", "scheme", "asOf", "cycleEnds"].contains(name) {
            log.error("$.\(name)", "is not a member of this request (record, scheme, asOf, cycleEnds)")
        }
        let schemeID = reader.string("scheme")
        let asOf = PlanInput.day(reader, "asOf") ?? Day.current
        let cycleEnds = PlanInput.day(reader, "cycleEnds")
        var record: PractitionerRecord?
        switch reader.fields["record"] {
        case nil, .null?: reader.missing("record")
        case .object?:
            do {
                record = try PractitionerRecordDocument.read(reader.fields["record"]!)
            } catch let document as InvalidDocument {
                for issue in document.errors { log.error("$.record" + issue.path.dropFirst(), issue.message, record: issue.record) }
            }
        case let other?: log.error("$.record", "must be a practitioner's record object, found \(other.typeName)")
        }
        if let problem = asOfProblem(asOf) { log.error("$.asOf", problem) }
        if let cycleEnds, let problem = asOfProblem(cycleEnds) { log.error("$.cycleEnds", problem) }
        let errors = log.issues.filter { $0.severity == .error }
        guard errors.isEmpty, let record else { throw InvalidDocument(issues: errors) }
        guard let id = schemeID ?? record.scheme else {
            throw APIProblem.invalidInput(path: "$.scheme", "the record names no \"scheme\"; give \"scheme\"")
        }
        let book = try await schemes()
        guard let scheme = book.scheme(id) else {
            throw APIProblem.notFound("there is no CPD scheme \"\(id)\" (there are \(book.schemes.map(\.id).joined(separator: ", ")))")
        }
        let assessment = try await service.solve { source -> JSON in
            let checker = CPDChecker(scheme: scheme, catalogue: try source.catalogue())
            do {
                return try checker.assess(record, asOf: asOf, cycleEnds: cycleEnds).json
            } catch let error as CPDRecordError {
                throw APIProblem.invalidInput(path: "$.record" + error.path.dropFirst(), error.message)
            }
        }
        return JSONResponse.ok(assessment)
    }

    private func asOfProblem(_ day: Day) -> String? { CPDLimits.problem(day) }

    /// `stackplan cpd coverage --json`, for one scheme or `all`.
    func coverage(_ request: Request) async throws -> Response {
        var query = QueryReader(request, known: ["scheme", "asOf", "accreditedOnly"])
        let schemeID = query.string("scheme")
        let given = query.day("asOf")
        let accreditedOnly = query.bool("accreditedOnly")
        if schemeID == nil { query.problems.append(ProblemDetail(path: "query.scheme", message: "is required: a scheme's id, or all")) }
        if let given, let problem = CPDLimits.problem(given) { query.problems.append(ProblemDetail(path: "query.asOf", message: problem)) }
        try query.check()
        let book = try await schemes()
        let all = schemeID == "all"
        let chosen: [CPDScheme]
        if all {
            chosen = book.schemes
        } else {
            guard let scheme = book.scheme(schemeID ?? "") else {
                throw APIProblem.notFound("there is no CPD scheme \"\(schemeID ?? "")\" (there are \(book.schemes.map(\.id).joined(separator: ", ")))")
            }
            chosen = [scheme]
        }
        return JSONResponse.ok(try await service.solve { source in
            let catalogue = try source.catalogue()
            var coverages: [CPDCoverage] = []
            for scheme in chosen {
                let day = all ? scheme.coverageDay(near: given ?? Day.current) : given ?? scheme.coverageDay(near: Day.current)
                do {
                    coverages.append(try CPDCoverage(checker: CPDChecker(scheme: scheme, catalogue: catalogue), asOf: day, accreditedOnly: accreditedOnly))
                } catch let error as CPDRecordError {
                    throw APIProblem.invalidInput(path: "query.asOf", error.message)
                }
            }
            return all ? CPDCoverageMatrix(coverages).json : coverages[0].json
        })
    }
}
