import StackPlanCore

/// The ranges every number and date of CPD schemes, records and command-line flags must lie in,
/// checked where each is read, with its JSON path, CSV column or flag in the message
/// (docs/cpd.md lists them). They are far beyond any real scheme or record, and keep every
/// derived figure (sums over a cycle, weeks from hours, days from weeks) finite and every
/// conversion to a whole number safe.
public enum CPDLimits {
    /// Dates of records, schemes and flags.
    public static let days = InputLimits.days
    /// An activity's hours (more than 0).
    public static let activityHours: ClosedRange<Double> = 0...10_000
    /// An activity's ECTS (more than 0): a whole doctorate's worth.
    public static let activityECTS: ClosedRange<Double> = 0...360
    /// An activity's points in the scheme's unit.
    public static let activityPoints: ClosedRange<Double> = 0...100_000
    /// Figures of a scheme's rules, adjustments and carry-over, and a record's previous cycle and declarations.
    public static let amounts: ClosedRange<Double> = 0...1_000_000
    /// A budget, in the catalogue's base currency.
    public static let money: ClosedRange<Double> = 0...1_000_000_000
    /// Most learning hours a plan may take.
    public static let plannedHours: ClosedRange<Double> = 0...1_000_000
    /// Learning hours a week assumed for credentials without a stated duration (a week has 168 hours).
    public static let hoursPerWeek: ClosedRange<Double> = 0.1...168
    /// The solver's time limit in seconds (more than 0): a day.
    public static let timeLimit: ClosedRange<Double> = 0...86_400
    /// A cycle's length in months.
    public static let cycleMonths: ClosedRange<Int> = 1...120
    /// A unit's points per hour (more than 0).
    public static let perHour: ClosedRange<Double> = 0...1_000
    /// A unit's learning hours per ECTS (more than 0).
    public static let hoursPerECTS: ClosedRange<Double> = 0...100
    /// Records `cpd generate` writes.
    public static let generatedRecords: ClosedRange<Int> = 0...10_000_000

    /// "0–10000": a range as messages and docs write it.
    public static func text(_ range: ClosedRange<Double>) -> String { "\(formatAmount(range.lowerBound))–\(formatAmount(range.upperBound))" }
    public static func text(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)–\(range.upperBound)" }
    public static func text(_ range: ClosedRange<Day>) -> String { "\(range.lowerBound)–\(range.upperBound)" }

    /// `nil` when `value` lies in `range` (above its lower bound too when `positive`); else what is wrong.
    public static func problem(_ value: Double, in range: ClosedRange<Double>, positive: Bool = false) -> String? {
        if range.contains(value) && !(positive && value <= range.lowerBound) { return nil }
        let bounds = positive ? "more than \(formatAmount(range.lowerBound)) and at most \(formatAmount(range.upperBound))" : "in \(text(range))"
        return "must lie \(bounds), found \(exact(value))"
    }

    /// A value as read, never rounded: 1e-300 must not show as 0.
    static func exact(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    /// `nil` for a day in ``days``; else the range it must lie in.
    public static func problem(_ day: Day) -> String? {
        days.contains(day) ? nil : "must lie in \(text(days)), found \(day)"
    }
}
