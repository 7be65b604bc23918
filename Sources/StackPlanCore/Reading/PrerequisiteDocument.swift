extension CatalogueDocument {
    /// Reads a prerequisite expression on its own, as ``json(_:)-swift.type.method`` writes it
    /// (the store keeps one per credential in a column); `nil` if it is not one.
    public static func prerequisite(_ json: JSON) -> Prerequisite? {
        let log = IssueLog()
        let value = readPrerequisite(json, path: "$", record: nil, log: log, depth: 1)
        return log.issues.isEmpty ? value : nil
    }
}

extension CatalogueDocument {
    /// Reads one offering on its own, as ``json(_:)-swift.type.method`` writes it; `nil` if it is not one.
    public static func offering(_ json: JSON) -> Offering? {
        let log = IssueLog()
        let value = readOffering(json, path: "$", record: nil, log: log)
        return log.issues.contains { $0.severity == .error } ? nil : value
    }
}
