import Foundation

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

extension CatalogueDocument {
    /// Reads a place as SQLite's `json_extract` gives it back: `online` bare, a locality as JSON
    /// text; `nil` if it is neither.
    public static func place(stored text: String) -> Place? {
        if text == "online" { return .online }
        guard let json = try? JSON.parse(Data(text.utf8)) else { return nil }
        let log = IssueLog()
        let locality = readLocality(json, path: "$", record: nil, log: log)
        return log.issues.isEmpty ? locality.map(Place.at) : nil
    }
}
