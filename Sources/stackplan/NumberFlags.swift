import ArgumentParser
import Foundation
import StackPlanCore

/// The sane range of a number given by a flag, checked as the flag is parsed so that no
/// number outside it reaches the planner or GLPK. Every range is listed in docs/commands.md.
///
/// The flags that take numbers parse their value unconditionally (`parsing: .unconditional`),
/// so that `--budget -1` is read as the number −1 and refused for its range, instead of being
/// taken for a flag named `-1`.
struct NumberRange: Sendable {
    var lower: Double
    var lowerIncluded: Bool
    var upper: Double
    var upperIncluded: Bool
    /// Whether the number must be whole (counts).
    var whole: Bool

    static func closed(_ lower: Double, _ upper: Double, whole: Bool = false) -> NumberRange {
        NumberRange(lower: lower, lowerIncluded: true, upper: upper, upperIncluded: true, whole: whole)
    }

    func contains(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if whole && value.rounded() != value { return false }
        let aboveLower = lowerIncluded ? value >= lower : value > lower
        let belowUpper = upperIncluded ? value <= upper : value < upper
        return aboveLower && belowUpper
    }

    /// The range in words, such as "a number from 0 to 1,000,000,000" or "more than 0 and at most 168".
    var text: String {
        let noun = whole ? "a whole number" : "a number"
        let from = Self.format(lower), to = Self.format(upper)
        switch (lowerIncluded, upperIncluded) {
        case (true, true): return "\(noun) from \(from) to \(to)"
        case (false, true): return "\(noun) more than \(from) and at most \(to)"
        case (true, false): return "\(noun) from \(from) and below \(to)"
        case (false, false): return "\(noun) between \(from) and \(to), both excluded"
        }
    }

    static func format(_ value: Double) -> String {
        guard value.rounded() == value, abs(value) < 1e15 else { return String(value) }
        let digits = String(Int64(abs(value)))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// Reads `text` as a number inside the range.
    func parse(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), !trimmed.lowercased().hasPrefix("0x") else {
            throw FlagRefusal.record("not a number; give \(self.text)", outOfRange: false)
        }
        guard contains(value) else { throw FlagRefusal.record("out of range; give \(self.text)", outOfRange: true) }
        return value
    }

    /// Reads `text` as a whole number inside the range.
    func parseWhole(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), !trimmed.lowercased().hasPrefix("0x") else {
            throw FlagRefusal.record("not a number; give \(self.text)", outOfRange: false)
        }
        guard contains(value) else { throw FlagRefusal.record("out of range; give \(self.text)", outOfRange: true) }
        // Safe: the range is within Int's, and the value is whole and finite.
        return Int(value)
    }
}

/// The ranges of every numeric flag (docs/commands.md, "Numbers on the command line").
enum FlagRanges {
    /// Money in the catalogue's base currency: --budget.
    static let money = NumberRange.closed(0, 1_000_000_000)
    /// Learning hours in all: --max-hours.
    static let hours = NumberRange.closed(0, 1_000_000)
    /// Learning hours a week: --hours-per-week (a week has 168 hours).
    static let hoursPerWeek = NumberRange(lower: 0, lowerIncluded: false, upper: 168, upperIncluded: true, whole: false)
    /// Learning hours per ECTS credit: --hours-per-ects (the ECTS guide says 25 to 30).
    static let hoursPerECTS = NumberRange.closed(1, 100)
    /// Seconds: --time-limit, at most a day.
    static let timeLimit = NumberRange(lower: 0, lowerIncluded: false, upper: 86_400, upperIncluded: true, whole: false)
    /// A relative optimality gap: --gap.
    static let gap = NumberRange(lower: 0, lowerIncluded: true, upper: 1, upperIncluded: false, whole: false)
    /// A share of records: --malformed.
    static let share = NumberRange.closed(0, 1)
    /// How many plans to list: --k, --limit, --min-difference.
    static let plans = NumberRange.closed(1, 1_000, whole: true)
    /// How many records to generate: cpd generate --count.
    static let records = NumberRange.closed(0, 100_000_000, whole: true)
    /// Catalogue sizes: generate --credentials and --qualifications (the generator checks their balance).
    static let catalogueSize = NumberRange.closed(0, 2_000_000, whole: true)
}

/// Why the last flag value was refused. ArgumentParser reports a refused value as a usage
/// error (64); a number out of its range is invalid input (2), so `StackPlan.main` looks here
/// to tell the two apart.
struct FlagRefusal: Error, CustomStringConvertible {
    var message: String
    var description: String { message }

    /// Set while arguments are parsed, on the main thread only, before any command runs.
    nonisolated(unsafe) static var outOfRange = false

    static func record(_ message: String, outOfRange: Bool) -> FlagRefusal {
        if outOfRange { Self.outOfRange = true }
        return FlagRefusal(message: message)
    }
}

/// Seeds of the pseudo-random generators: any whole number from 0 to 2^64 − 1.
enum SeedFlag {
    static let text = "a whole number from 0 to 18,446,744,073,709,551,615"

    static let parse: @Sendable (String) throws -> UInt64 = { text in
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seed = UInt64(trimmed) { return seed }
        // A number, but negative, fractional or too large, is out of range; anything else is not a number.
        throw FlagRefusal.record(Double(trimmed) == nil ? "not a number; give \(SeedFlag.text)" : "out of range; give \(SeedFlag.text)",
                                 outOfRange: Double(trimmed) != nil)
    }
}

extension NumberRange {
    /// A transform for `@Option(transform:)`.
    var number: @Sendable (String) throws -> Double { { try self.parse($0) } }
    var count: @Sendable (String) throws -> Int { { try self.parseWhole($0) } }
}
