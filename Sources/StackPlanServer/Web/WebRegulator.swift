import Foundation
import Hummingbird
import StackPlanCore
import StackPlanCPD
import StackPlanStore
import StackPlanText

/// The regulator's pages: schemes and their rules, one record's check, a batch with live
/// progress and a filterable results table, the coverage matrix and the lint report.
extension WebPages {
    static let regulators: Access = .roles([.regulator, .admin])

    func registerRegulator(on router: Router<APIContext>) {
        on(router, .get, "/regulator", Self.regulators) { _, visit, _ in
            let book = try await schemeBook()
            return page("schemes", title: "CPD schemes", visit: visit, [
                "schemes": book.schemes.map { ["id": $0.id, "title": $0.title, "regulator": $0.regulator, "jurisdiction": $0.jurisdiction,
                                               "professions": $0.professions, "status": $0.status] as [String: Any] },
            ])
        }
        on(router, .get, "/regulator/schemes/:id", Self.regulators) { _, visit, context in
            let id = try context.parameters.require("id")
            guard let scheme = try await schemeBook().scheme(id) else { throw WebError.notFound("There is no CPD scheme \"\(id)\".") }
            return page("scheme", title: scheme.title, visit: visit, [
                "id": scheme.id, "title": scheme.title, "regulator": scheme.regulator, "professions": scheme.professions,
                "cycle": "\(scheme.cycle.months) months", "unit": scheme.unit.name,
                "categories": scheme.categories.map { ["id": $0.id, "name": $0.name, "description": $0.description ?? ""] as [String: Any] },
                "rules": (CPDSchemeDocument.json(scheme)["rules"]?.arrayValue ?? []).map { rule -> [String: Any] in
                    var view = (rule.templateValue as? [String: Any]) ?? [:]
                    view["summary"] = Self.ruleSummary(rule)
                    return view
                },
                "sources": scheme.sources.filter { $0.hasPrefix("https://") || $0.hasPrefix("http://") },
                "notes": scheme.notes,
            ])
        }
        on(router, .get, "/regulator/check", Self.regulators) { _, visit, _ in try await checkPage(visit, result: nil, errors: FieldErrors()) }
        on(router, .post, "/regulator/check", Self.regulators, doesWork: true) { _, visit, _ in try await checkRecord(visit) }
        on(router, .get, "/regulator/batch", Self.regulators) { _, visit, _ in try await batchForm(visit, errors: FieldErrors()) }
        on(router, .post, "/regulator/batch", Self.regulators, doesWork: true) { _, visit, _ in try await startBatch(visit) }
        on(router, .get, "/regulator/jobs/:id", Self.regulators) { _, visit, context in try await jobPage(visit, id: try context.parameters.require("id")) }
        on(router, .get, "/regulator/jobs/:id/events", Self.regulators) { _, visit, context in
            events(try await visibleJob(visit, id: try context.parameters.require("id")).id)
        }
        on(router, .get, "/regulator/jobs/:id/results.csv", Self.regulators) { _, visit, context in
            try await download(visit, id: try context.parameters.require("id"), csv: true)
        }
        on(router, .get, "/regulator/jobs/:id/results.jsonl", Self.regulators) { _, visit, context in
            try await download(visit, id: try context.parameters.require("id"), csv: false)
        }
        on(router, .get, "/regulator/coverage", Self.regulators) { _, visit, _ in try await coveragePage(visit) }
        on(router, .get, "/regulator/lint", Self.regulators) { _, visit, _ in
            let provider = visit.query["provider"]
            let json = try await service.read { source in try RegulatorRoutes.lint(try source.catalogue(), provider: provider, hoursPerECTS: 25) }
            let elements = (json["elements"]?.arrayValue ?? []).map { ($0["id"]?.stringValue ?? "", $0["label"]?.stringValue ?? "") }
            return page("lint", title: "Micro-credential lint", visit: visit, [
                "recommendation": json["recommendation"]?.stringValue ?? "",
                "elements": elements.map { ["id": $0.0, "label": $0.1] as [String: Any] },
                "providers": (json["providers"]?.arrayValue ?? []).map { report -> [String: Any] in
                    let missing = report["missing"]?.objectFields ?? [:]
                    return [
                        "provider": report["provider"]?.stringValue ?? "", "name": report["name"]?.stringValue ?? "",
                        "credentials": report["credentials"]?.numberValue.map(WebFormat.number) ?? "0",
                        "complete": report["complete"]?.numberValue.map(WebFormat.number) ?? "0",
                        "warnings": report["warnings"]?.numberValue.map(WebFormat.number) ?? "0",
                        "missing": elements.map { ["count": missing[$0.0]?.numberValue.map(WebFormat.number) ?? "0"] as [String: Any] },
                        "findings": (report["findings"]?.arrayValue ?? []).prefix(50).compactMap { $0.templateValue },
                    ]
                },
            ])
        }
    }

    /// A rule's requirement in a few words, from its JSON (every rule type states its amount in one of these members).
    static func ruleSummary(_ rule: JSON) -> String {
        var parts: [String] = []
        for key in ["minimum", "maximum", "perYear", "count", "hours", "points"] {
            if let value = rule[key]?.numberValue { parts.append("\(key) \(WebFormat.number(value))") }
        }
        if let category = rule["category"]?.stringValue { parts.append("category \(category)") }
        if let categories = rule["categories"]?.arrayValue, !categories.isEmpty {
            parts.append("categories " + categories.compactMap(\.stringValue).joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }

    func schemeBook() async throws -> CPDSchemeBook {
        let path = service.schemesPath
        return try await service.reads.run {
            guard let data = FileManager.default.contents(atPath: path) else { throw RegulatorRoutes.SchemeFileMissing(path: path) }
            return try CPDSchemeBook.read(data, file: path)
        }
    }

    // MARK: one record

    func checkPage(_ visit: Visit, result: JSON?, errors: FieldErrors, text: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        let book = try await schemeBook()
        var values: [String: Any] = [
            "schemes": book.schemes.map { ["id": $0.id, "title": $0.title, "selected": $0.id == visit.form["scheme"]] as [String: Any] },
            "record": visit.form.values["record"]?.first ?? "", "asOf": visit.form["asOf"] ?? "",
            "errors": errors.all, "recordErrors": errors.messages("record"), "asOfErrors": errors.messages("asOf"),
            "schemeErrors": errors.messages("scheme"),
        ]
        if let result {
            values["result"] = [
                "compliant": result["compliant"] == .bool(true), "scheme": result["scheme"]?.stringValue ?? "",
                "practitioner": result["practitioner"]?.stringValue ?? "", "unit": result["unit"]?.stringValue ?? "",
                "cycle": "\(result["cycle"]?["start"]?.stringValue ?? "") to \(result["cycle"]?["end"]?.stringValue ?? "")",
                "totalCounted": result["totalCounted"]?.numberValue.map(WebFormat.number) ?? "0",
                "rules": (result["rules"]?.arrayValue ?? []).compactMap { $0.templateValue },
                "activities": (result["activities"]?.arrayValue ?? []).map { activity -> [String: Any] in
                    var view = (activity.templateValue as? [String: Any]) ?? [:]
                    view["countsTowardText"] = (activity["countsToward"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
                    view["rejectedText"] = activity["rejected"]?["message"]?.stringValue ?? ""
                    return view
                },
                "text": text,
            ] as [String: Any]
        }
        return page("check", title: "Check a CPD record", visit: visit, values, status: status)
    }

    func checkRecord(_ visit: Visit) async throws -> Response {
        var errors = FieldErrors()
        var text = visit.form.values["record"]?.first ?? ""
        if let file = visit.form.files["recordFile"], !file.data.isEmpty { text = String(decoding: file.data, as: UTF8.self) }
        let asOf: Day
        if let given = visit.form["asOf"] {
            if let day = Day(given), CPDLimits.problem(day) == nil { asOf = day } else {
                errors.add("asOf", "must be a date written YYYY-MM-DD within the years CPD records use")
                asOf = Day.current
            }
        } else {
            asOf = Day.current
        }
        var record: PractitionerRecord?
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add("record", "paste a practitioner's record (JSON) or upload its file")
        } else {
            do {
                let json = try JSON.parse(Data(text.utf8))
                record = try PractitionerRecordDocument.read(json)
            } catch let invalid as InvalidDocument {
                for issue in invalid.errors { errors.add("record", "\(issue.path): \(issue.message)") }
            } catch let syntax as JSONSyntaxError {
                errors.add("record", "is not valid JSON: \(syntax)")
            } catch {
                errors.add("record", "cannot be read as a practitioner's record")
            }
        }
        guard errors.isEmpty, let record else { return try await checkPage(visit, result: nil, errors: errors, status: .badRequest) }
        let book = try await schemeBook()
        guard let scheme = book.scheme(visit.form["scheme"] ?? record.scheme ?? "") else {
            errors.add("scheme", "choose the scheme to check against (the record names none the service knows)")
            return try await checkPage(visit, result: nil, errors: errors, status: .badRequest)
        }
        do {
            let (json, report) = try await service.solve { source -> (JSON, String) in
                let assessment = try CPDChecker(scheme: scheme, catalogue: try source.catalogue()).assess(record, asOf: asOf)
                return (assessment.json, assessment.text)
            }
            return try await checkPage(visit, result: json, errors: errors, text: report)
        } catch let error as CPDRecordError {
            errors.add("record", "\(error.path): \(error.message)")
            return try await checkPage(visit, result: nil, errors: errors, status: .badRequest)
        }
    }

    // MARK: batches

    func batchForm(_ visit: Visit, errors: FieldErrors, status: HTTPResponse.Status = .ok) async throws -> Response {
        let book = try await schemeBook()
        return page("batch", title: "Batch check", visit: visit, [
            "schemes": book.schemes.map { ["id": $0.id, "title": $0.title, "selected": $0.id == visit.form["scheme"]] as [String: Any] },
            "errors": errors.all, "fileErrors": errors.messages("records"), "schemeErrors": errors.messages("scheme"),
            "asOfErrors": errors.messages("asOf"), "asOf": visit.form["asOf"] ?? "",
        ], status: status)
    }

    func startBatch(_ visit: Visit) async throws -> Response {
        let account = try visit.require()
        var errors = FieldErrors()
        let book = try await schemeBook()
        let scheme = book.scheme(visit.form["scheme"] ?? "")
        if scheme == nil { errors.add("scheme", "choose a scheme") }
        let file = visit.form.files["records"]
        if file == nil || file?.data.isEmpty == true { errors.add("records", "choose a file of records (CSV or JSON lines)") }
        var asOf = Day.current
        if let given = visit.form["asOf"] {
            if let day = Day(given), CPDLimits.problem(day) == nil { asOf = day } else { errors.add("asOf", "must be a date written YYYY-MM-DD") }
        }
        guard errors.isEmpty, let scheme, let file else { return try await batchForm(visit, errors: errors, status: .badRequest) }
        let format: CPDBatch.InputFormat = file.filename.lowercased().hasSuffix(".csv") || visit.form["format"] == "csv" ? .csv : .jsonl
        let board = jobs, owner = account.id
        let (job, _) = try await service.reads.run { try board.admit(kind: "cpd-batch", owner: owner, stage: "receiving records") }
        guard FileManager.default.createFile(atPath: JobBoard.Files(job).input, contents: file.data) else {
            board.finish(job.id) { record, _ in
                record.status = .failed
                record.stage = "upload failed"
                record.failure = "the upload could not be stored"
            }
            throw WebError(status: .internalServerError, message: "The upload could not be stored.")
        }
        let catalogue = service.catalogue, day = asOf
        // The API's batch runner, on a thread of its own with the deep stack solves need.
        let thread = Thread { JobRoutes.runBatch(job, scheme: scheme, format: format, asOf: day, cycleEnds: nil, catalogue: catalogue, board: board) }
        thread.stackSize = 8 << 20
        thread.start()
        return redirect("/regulator/jobs/\(job.id)")
    }

    func visibleJob(_ visit: Visit, id: String) async throws -> JobRecord {
        let account = try visit.require()
        let board = jobs
        guard let job = try await service.reads.run({ try board.job(id) }), job.kind == "cpd-batch",
              job.ownerID == account.id || account.role == .admin else { throw WebError.notFound("There is no batch \(id).") }
        return job
    }

    func jobPage(_ visit: Visit, id: String) async throws -> Response {
        let job = try await visibleJob(visit, id: id)
        var values: [String: Any] = [
            "id": job.id, "status": job.status.rawValue, "stage": job.stage, "running": !job.status.isFinished, "done": job.status == .done,
            "failure": job.failure ?? "", "recordsDone": job.progress?["done"]?.numberValue.map(WebFormat.number) ?? "0",
            "percent": job.progress?["fraction"]?.numberValue.map { String(Int(($0 * 100).rounded())) } ?? "0",
        ]
        guard job.status == .done else { return page("job", title: "Batch check", visit: visit, values) }
        let summary = job.summary ?? .object([:])
        let unmet = (summary["unmet"]?.objectFields ?? [:]).sorted { $0.key < $1.key }
        values["summary"] = [
            "records": summary["records"]?.numberValue.map(WebFormat.number) ?? "0",
            "compliant": summary["compliant"]?.numberValue.map(WebFormat.number) ?? "0",
            "notCompliant": summary["notCompliant"]?.numberValue.map(WebFormat.number) ?? "0",
            "invalid": summary["invalid"]?.numberValue.map(WebFormat.number) ?? "0",
        ]
        values["categories"] = unmet.map { ["id": $0.key, "records": $0.value["records"]?.numberValue.map(WebFormat.number) ?? "0",
                                            "shortfall": $0.value["shortfall"]?.numberValue.map(WebFormat.number) ?? "0",
                                            "selected": $0.key == visit.query["category"]] as [String: Any] }
        values["chart"] = WebCharts.bars(unmet.map { entry -> (label: String, value: Double, note: String) in
            let records = entry.value["records"]?.numberValue ?? 0
            return (label: entry.key, value: records, note: "\(WebFormat.number(records)) records, \(WebFormat.number(entry.value["shortfall"]?.numberValue ?? 0)) short")
        }, title: "Records short in each category")
        // The results, filtered by verdict and category; at most 500 rows on the page (downloads have all).
        let verdict = visit.query["verdict"], category = visit.query["category"]
        let path = JobBoard.Files(job).jsonLines
        let rows = try await service.reads.run { () -> ([JSON], Int) in
            let reader = try LineReader(path: path)
            var rows: [JSON] = []
            var matching = 0
            while let line = reader.next() {
                guard let json = try? JSON.parse(Data(line.utf8)) else { continue }
                if let verdict, json["status"]?.stringValue != verdict { continue }
                if let category, !(json["unmet"]?.arrayValue ?? []).contains(where: { $0["rule"]?.stringValue == category }) { continue }
                matching += 1
                if rows.count < 500 { rows.append(json) }
            }
            return (rows, matching)
        }
        values["rows"] = rows.0.map { row -> [String: Any] in
            [
                "line": row["line"]?.numberValue.map(WebFormat.number) ?? "", "practitioner": row["practitioner"]?.stringValue ?? "–",
                "status": row["status"]?.stringValue ?? "", "counted": row["counted"]?.numberValue.map(WebFormat.number) ?? "–",
                "unmet": (row["unmet"]?.arrayValue ?? []).map { "\($0["rule"]?.stringValue ?? ""): \($0["shortfall"]?.numberValue.map(WebFormat.number) ?? "") short" }.joined(separator: "; "),
                "errors": (row["errors"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: "; "),
            ]
        }
        values["matching"] = String(rows.1)
        values["verdicts"] = ["compliant", "not-compliant", "invalid"].map { ["value": $0, "selected": $0 == verdict] as [String: Any] }
        return page("job", title: "Batch results", visit: visit, values)
    }

    func download(_ visit: Visit, id: String, csv: Bool) async throws -> Response {
        let job = try await visibleJob(visit, id: id)
        guard job.status == .done else { throw WebError(status: .conflict, message: "The batch is \(job.status.rawValue): its results come when it is done.") }
        let path = csv ? JobBoard.Files(job).csv : JobBoard.Files(job).jsonLines
        let data = try await service.reads.run { FileManager.default.contents(atPath: path) ?? Data() }
        return Response(status: .ok, headers: [
            .contentType: csv ? "text/csv; charset=utf-8" : "application/x-ndjson",
            .contentDisposition: "attachment; filename=\"cpd-batch-\(job.id).\(csv ? "csv" : "jsonl")\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Server-Sent Events of the batch: the API's stream of the same job.
    func events(_ id: String) -> Response {
        JobRoutes.events(id, board: jobs, reads: service.reads)
    }

    // MARK: coverage

    func coveragePage(_ visit: Visit) async throws -> Response {
        let accreditedOnly = visit.query.isOn("accreditedOnly")
        let book = try await schemeBook()
        let json = try await service.solve { source -> JSON in
            let catalogue = try source.catalogue()
            var coverages: [CPDCoverage] = []
            for scheme in book.schemes {
                coverages.append(try CPDCoverage(checker: CPDChecker(scheme: scheme, catalogue: catalogue), asOf: scheme.coverageDay(near: Day.current),
                                                 accreditedOnly: accreditedOnly))
            }
            return CPDCoverageMatrix(coverages).json
        }
        let schemes = json["schemes"]?.arrayValue ?? []
        // Categories as columns: every category any scheme names, by id.
        var categoryIDs: [String] = []
        for scheme in schemes {
            for category in scheme["categories"]?.arrayValue ?? [] {
                if let id = category["id"]?.stringValue, !categoryIDs.contains(id) { categoryIDs.append(id) }
            }
        }
        categoryIDs.sort()
        return page("coverage", title: "Coverage", visit: visit, [
            "accreditedOnly": accreditedOnly, "categories": categoryIDs,
            "schemes": schemes.map { scheme -> [String: Any] in
                let categories = Dictionary((scheme["categories"]?.arrayValue ?? []).compactMap { category in
                    category["id"]?.stringValue.map { ($0, category) }
                }, uniquingKeysWith: { first, _ in first })
                let cheapest = scheme["cheapestPlan"]
                return [
                    "id": scheme["scheme"]?.stringValue ?? "", "asOf": scheme["asOf"]?.stringValue ?? "",
                    "canBeMet": scheme["canBeMetFromCatalogue"] == .bool(true),
                    "cheapest": cheapest?["cost"]?.numberValue.map(WebFormat.number) ?? "",
                    "gaps": (scheme["gaps"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", "),
                    "cells": categoryIDs.map { id -> [String: Any] in
                        guard let category = categories[id] else { return ["absent": true] }
                        let offerings = category["offerings"]?.arrayValue.count ?? 0
                        return [
                            "absent": false, "offerings": String(offerings), "uncovered": category["uncovered"] == .bool(true),
                            "points": category["pointsOnOffer"]?.numberValue.map(WebFormat.number) ?? "0",
                        ]
                    },
                ]
            },
        ])
    }
}
