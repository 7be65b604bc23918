import Foundation
import StackPlanCore

/// Made-up practitioner records for benchmarks and demonstrations: reproducible from a seed,
/// mostly plausible, some short of the rules, a chosen share deliberately malformed.
public struct SyntheticRecords {
    public let scheme: CPDScheme
    public let credentials: [String]
    /// The last day of each record's cycle.
    public let cycleEnds: Day
    public let period: CPDPeriod
    public var malformedShare: Double
    private var generator: SplitMix64

    public init(scheme: CPDScheme, catalogue: Catalogue, cycleEnds: Day, seed: UInt64, malformedShare: Double = 0) throws {
        self.scheme = scheme
        credentials = catalogue.credentials.filter { $0.cpd.contains { $0.scheme == scheme.id } }.map(\.id).sorted()
        self.cycleEnds = cycleEnds
        period = try scheme.period(cycleEnds: cycleEnds, asOf: cycleEnds)
        self.malformedShare = malformedShare
        generator = SplitMix64(seed: seed)
    }

    public mutating func record(_ number: Int) -> PractitionerRecord {
        var record = PractitionerRecord(id: String(format: "P%07d", number), cycleEnds: cycleEnds, asOf: cycleEnds)
        let count = Int.random(in: 2...12, using: &generator)
        for _ in 0..<count {
            // A few activities fall just outside the cycle, as real logs do.
            let day = period.start.adding(days: Int.random(in: -30...(period.days - 1), using: &generator))
            if !credentials.isEmpty && Int.random(in: 0..<4, using: &generator) == 0 {
                record.activities.append(.credential(credentials.randomElement(using: &generator)!, date: day))
            } else {
                let category = scheme.categories.randomElement(using: &generator)!.id
                let type = Bool.random(using: &generator) ? "planned" : "unplanned"
                let hours = Double(Int.random(in: 1...24, using: &generator)) / 2
                var activity = CPDActivity.free("activity", date: day, hours: hours, category: category, type: type)
                if scheme.unit.perHour == nil && scheme.unit.perActivity == nil { activity.points = hours }
                record.activities.append(activity)
            }
        }
        for rule in scheme.rules {
            if case .declared(let name, let minimum) = rule.kind {
                record.declarations[name] = (minimum * Double.random(in: 0.8...1.6, using: &generator)).rounded()
            }
        }
        return record
    }

    /// The record as one JSON line; a malformed share come out broken in one of a few ways.
    public mutating func jsonLine(_ number: Int) -> String {
        let record = record(number)
        var line = String(decoding: PractitionerRecordDocument.json(record).serialized(pretty: false), as: UTF8.self)
        if malformedShare > 0 && Double.random(in: 0..<1, using: &generator) < malformedShare {
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: line = String(line.dropLast(7))
            case 1: line = line.replacingOccurrences(of: "\"date\":\"", with: "\"date\":\"13/")
            default: line = line.replacingOccurrences(of: "\"hours\":", with: "\"hours\":-")
            }
        }
        return line
    }

    public static let csvHeader = "practitioner,cycle_ends,as_of,declarations,credential,title,date,hours,points,category,type"

    /// The record as CSV rows, one per activity; a malformed share get a row with a broken date.
    public mutating func csvRows(_ number: Int) -> [String] {
        let record = record(number)
        let declarations = record.declarations.sorted { $0.key < $1.key }.map { "\($0.key)=\(formatAmount($0.value))" }.joined(separator: ";")
        var rows = record.activities.enumerated().map { index, activity in
            var fields = [record.id!, index == 0 ? cycleEnds.description : "", index == 0 ? cycleEnds.description : "", index == 0 ? declarations : ""]
            fields.append(activity.credentialID ?? "")
            if case .free(let title) = activity.source { fields.append(title) } else { fields.append("") }
            fields += [activity.date.description, activity.hours.map(formatAmount) ?? "", activity.points.map(formatAmount) ?? "", activity.category ?? "", activity.type ?? ""]
            return CSVReader.line(fields)
        }
        if malformedShare > 0 && Double.random(in: 0..<1, using: &generator) < malformedShare, let last = record.activities.last {
            let (year, _, _) = last.date.components
            rows[rows.count - 1] = rows[rows.count - 1].replacingOccurrences(of: last.date.description, with: "\(year)-02-30")
        }
        return rows
    }
}
