/// Reading, writing and checking a credential's `cpd` entries, kept apart from the rest of the
/// credential so that the field stays one additive piece of the format.
extension CatalogueDocument {
    static let cpdPointsFields: Set<String> = ["scheme", "category", "points", "approvedFrom", "approvedUntil", "assumed", "source"]

    static func readCPDPoints(_ credential: ObjectReader) -> [CPDPoints] {
        guard let items = credential.array("cpd") else { return [] }
        var entries: [CPDPoints] = []
        for (index, item) in items.enumerated() {
            guard let reader = ObjectReader(item, path: "\(credential.at("cpd"))[\(index)]", record: credential.record, log: credential.log) else { continue }
            let scheme = reader.identifier("scheme", required: true)
            let category = reader.identifier("category", required: true)
            var entry = CPDPoints(
                scheme: scheme ?? "", category: category ?? "", points: reader.number("points", within: InputLimits.cpdPoints),
                approvedFrom: reader.day("approvedFrom"), approvedUntil: reader.day("approvedUntil"),
                assumed: reader.bool("assumed") ?? false, source: reader.string("source"))
            entry.extra = reader.extra(known: cpdPointsFields)
            entries.append(entry)
        }
        return entries
    }

    public static func json(_ entry: CPDPoints) -> JSON {
        var fields = entry.extra
        fields["scheme"] = .string(entry.scheme)
        fields["category"] = .string(entry.category)
        fields["points"] = entry.points.map(JSON.number)
        fields["approvedFrom"] = entry.approvedFrom.map { .string($0.description) }
        fields["approvedUntil"] = entry.approvedUntil.map { .string($0.description) }
        if entry.assumed { fields["assumed"] = .bool(true) }
        fields["source"] = entry.source.map(JSON.string)
        return .object(fields)
    }
}

extension CatalogueValidator {
    /// What the catalogue alone can say about CPD entries; whether the scheme and category
    /// exist is for the scheme file to judge (StackPlanCPD's `CPDSchemeBook.issues(in:)`).
    func checkCPDPoints(_ credential: Credential, path: String, record: String) {
        var seen: [String: Int] = [:]
        for (index, entry) in credential.cpd.enumerated() {
            let entryPath = "\(path).cpd[\(index)]"
            checkReference(entry.scheme, path: "\(entryPath).scheme", record: record)
            checkReference(entry.category, path: "\(entryPath).category", record: record)
            if let points = entry.points { checkRange(points, InputLimits.cpdPoints, path: "\(entryPath).points", record: record) }
            if let from = entry.approvedFrom, let until = entry.approvedUntil, from > until {
                log.error(entryPath, "approvedFrom \(from) is after approvedUntil \(until)", record: record)
            }
            let key = "\(entry.scheme)\u{0}\(entry.category)"
            if let earlier = seen[key] {
                log.error(entryPath, "repeats scheme \"\(entry.scheme)\" and category \"\(entry.category)\" of \(path).cpd[\(earlier)]", record: record)
            } else {
                seen[key] = index
            }
        }
    }
}
