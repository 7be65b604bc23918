import Foundation
import Hummingbird
import StackPlanCore
import StackPlanStore

/// Health and the catalogue's records: what `stackplan list` and `stackplan show` print with `--json`.
struct CatalogueRoutes {
    let service: ServiceContext

    func register(in table: RouteTable) {
        table.add(.get, "/api/v1/health") { _, _ in try await health() }
        table.add(.get, "/api/v1/credentials") { request, _ in try await credentials(request) }
        table.add(.get, "/api/v1/credentials/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let credential = try await service.read({ try $0.credential(id) }) else {
                throw APIProblem.notFound("the catalogue has no credential \"\(id)\"")
            }
            return JSONResponse.ok(CatalogueDocument.json(credential), headers: try await retiredHeader(.credential, id))
        }
        table.add(.get, "/api/v1/qualifications") { request, _ in
            var query = QueryReader(request, known: ["provider", "q", "limit", "offset", "retired"])
            let (limit, offset) = page(&query)
            let retired = query.enumeration("retired", RetiredRecords.self) ?? .exclude
            try query.check()
            let filter = QualificationQuery(provider: query.string("provider"), search: query.string("q"))
            let records = service.records
            let found = try await service.read { source in
                let hidden = Set(try records.retirements().filter { $0.kind == .qualification }.map(\.id))
                return try source.qualifications(matching: filter).filter { retired.keeps(hidden.contains($0.id)) }
            }
            return paged(found.map(CatalogueDocument.json), limit: limit, offset: offset)
        }
        table.add(.get, "/api/v1/qualifications/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let qualification = try await service.read({ try $0.qualification(id) }) else {
                throw APIProblem.notFound("the catalogue has no qualification \"\(id)\"")
            }
            return JSONResponse.ok(CatalogueDocument.json(qualification), headers: try await retiredHeader(.qualification, id))
        }
        table.add(.get, "/api/v1/providers") { request, _ in
            var query = QueryReader(request, known: ["q", "limit", "offset", "retired"])
            let (limit, offset) = page(&query)
            let retired = query.enumeration("retired", RetiredRecords.self) ?? .exclude
            try query.check()
            let filter = ProviderQuery(search: query.string("q"))
            let records = service.records
            let found = try await service.read { source in
                let hidden = Set(try records.retirements().filter { $0.kind == .provider }.map(\.id))
                return try source.providers(matching: filter).filter { retired.keeps(hidden.contains($0.id)) }
            }
            return paged(found.map(CatalogueDocument.json), limit: limit, offset: offset)
        }
        table.add(.get, "/api/v1/providers/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let provider = try await service.read({ try $0.provider(id) }) else {
                throw APIProblem.notFound("the catalogue has no provider \"\(id)\"")
            }
            return JSONResponse.ok(CatalogueDocument.json(provider), headers: try await retiredHeader(.provider, id))
        }
        table.add(.get, "/api/v1/competencies") { request, _ in
            var query = QueryReader(request, known: ["provider", "kind", "q"])
            let kind = query.enumeration("kind", CredentialKind.self)
            try query.check()
            let filter = CredentialQuery(provider: query.string("provider"), kind: kind, search: query.string("q"))
            let counts = try await service.read { try $0.competencies(matching: filter) }
            // As `stackplan list competencies --json` prints them.
            return JSONResponse.ok(.array(counts.map {
                .object(["competency": .string($0.competency), "credentials": .number(Double($0.credentials))])
            }))
        }
    }

    func health() async throws -> Response {
        let counts = try await service.read { try $0.counts() }
        let solves = service.solves.load
        return JSONResponse.ok(.object([
            "status": .string("ok"),
            "version": .string(service.version),
            "catalogue": .object([
                "providers": .number(Double(counts.providers)), "credentials": .number(Double(counts.credentials)),
                "qualifications": .number(Double(counts.qualifications)),
            ]),
            "solves": .object([
                "slots": .number(Double(service.solves.slots)), "running": .number(Double(solves.running)),
                "waiting": .number(Double(solves.waiting)), "queueLimit": .number(Double(service.solves.waitingLimit)),
                // Solves stopped, or never started, because their client closed its connection.
                "abandoned": .number(Double(service.abandoned.value)),
            ]),
        ]))
    }

    /// `stackplan list credentials` with its filters, and `q` for its `--search`.
    func credentials(_ request: Request) async throws -> Response {
        var query = QueryReader(request, known: ["provider", "competency", "kind", "q", "limit", "offset", "retired"])
        let kind = query.enumeration("kind", CredentialKind.self)
        let (limit, offset) = page(&query)
        let retired = query.enumeration("retired", RetiredRecords.self) ?? .exclude
        try query.check()
        let filter = CredentialQuery(provider: query.string("provider"), competency: query.string("competency"), kind: kind, search: query.string("q"))
        let records = service.records
        let found = try await service.read { source in
            // A credential of a retired provider is not offered either.
            let hidden = try records.unofferedCredentialIDs()
            return try source.credentials(matching: filter).filter { retired.keeps(hidden.contains($0.id)) }
        }
        return paged(found.map(CatalogueDocument.json), limit: limit, offset: offset)
    }

    /// `X-Retired-At` on a retired record shown by id: still readable (saved plans name it),
    /// no longer offered. The record itself stays as it was imported.
    private func retiredHeader(_ kind: CatalogueRecordKind, _ id: String) async throws -> HTTPFields {
        let records = service.records
        guard let retirement = try await service.read({ _ in try records.retirements().first { $0.kind == kind && $0.id == id } }) else { return [:] }
        return [HTTPFields.Element.Name("X-Retired-At")!: timestamp(retirement.retiredAt)]
    }

    /// The header that carries a list's whole count when a page of it is asked for.
    private var totalCount: HTTPFields.Element.Name { .init("X-Total-Count")! }

    private func page(_ query: inout QueryReader) -> (limit: Int?, offset: Int) {
        (query.integer("limit", in: 1...10_000), query.integer("offset", in: 0...Int(Int32.max)) ?? 0)
    }

    /// A page of a list, in the list's order; the whole count in `X-Total-Count`.
    private func paged(_ records: [JSON], limit: Int?, offset: Int) -> Response {
        let start = min(offset, records.count)
        let end = limit.map { min(records.count, start + $0) } ?? records.count
        return JSONResponse.ok(.array(Array(records[start..<end])), headers: [totalCount: String(records.count)])
    }
}

/// Which records a catalogue list shows: the offered ones (`exclude`, the default), every one
/// (`include`), or only the retired ones (`only`).
enum RetiredRecords: String, CaseIterable {
    case exclude, include, only

    func keeps(_ isRetired: Bool) -> Bool {
        switch self {
        case .exclude: !isRetired
        case .include: true
        case .only: isRetired
        }
    }
}
