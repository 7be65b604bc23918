/// A range of numbers a document field may hold, with the words that name it in messages.
public struct AllowedRange: Sendable, Equatable, CustomStringConvertible {
    public let lowest: Double
    public let highest: Double
    /// `true` when the lowest value itself is not allowed (hours must be more than 0).
    public let excludesLowest: Bool

    public init(_ lowest: Double, _ highest: Double, excludingLowest: Bool = false) {
        self.lowest = lowest
        self.highest = highest
        self.excludesLowest = excludingLowest
    }

    /// Non-finite values are never inside: they are what overflows and what GLPK aborts on.
    public func contains(_ value: Double) -> Bool {
        value.isFinite && (excludesLowest ? value > lowest : value >= lowest) && value <= highest
    }

    public var description: String {
        excludesLowest
            ? "more than \(format(lowest)) and at most \(format(highest))"
            : "\(format(lowest))–\(format(highest))"
    }

    /// What a value must do, as messages say it: `must lie in 0–360`.
    public var requirement: String { excludesLowest ? "must be \(self)" : "must lie in \(self)" }
}

/// The ranges every number read from a catalogue or learner profile must lie in, and the rule
/// for identifiers (docs/data-format.md, "Ranges").
///
/// Each range is wide enough for any real award and narrow enough that nothing derived from it
/// can overflow: a fee times the largest exchange rate stays below 10^15, a total over a
/// million credentials below 10^21 as a Double and below `Int.max` once checked per credential
/// against ``feeInBaseCurrency``, and learning hours divided into weeks stay far inside `Int`.
public enum InputLimits {
    /// A fee (`cost` of a credential or offering) in its own currency: up to a thousand million,
    /// enough for a programme priced in a currency of small unit.
    public static let fee = AllowedRange(0, 1e9)
    /// A fee converted to the base currency: the same bound, so that sums over any catalogue
    /// (at most 10^6 credentials) stay below 10^15, exact in a Double and inside `Int`.
    public static let feeInBaseCurrency = AllowedRange(0, 1e9)
    /// What one unit of a currency is worth in the base currency.
    public static let exchangeRate = AllowedRange(1e-6, 1e6)
    /// A learner's budget, in the base currency.
    public static let budget = AllowedRange(0, 1e12)
    /// ECTS of a credential, a held item, a qualification or a rule's cap: 360 is the largest
    /// award (an integrated bachelor's and master's degree).
    public static let ects = AllowedRange(0, 360)
    /// ECTS a `credits` leaf asks for, at most a whole award; 0 makes a free-elective pool,
    /// which asks for nothing and lets what it accepts count toward the total.
    public static let creditsPool = AllowedRange(0, 360)
    /// Learning hours of one credential or held item: 360 ECTS at 50 hours each is 18,000.
    public static let hours = AllowedRange(0, 20_000, excludingLowest: true)
    /// A learner's most learning hours for a whole plan.
    public static let maxHours = AllowedRange(0, 1_000_000)
    /// Learning hours a week: at least half an hour (weeks are learning hours divided by it,
    /// and must stay whole numbers a calendar can hold), at most the hours a week has.
    public static let hoursPerWeek = AllowedRange(0.5, 168)
    /// Learning hours per ECTS credit (the ECTS guide says 25–30).
    public static let hoursPerECTS = AllowedRange(1, 100)
    /// CPD points a credential earns under one scheme and category.
    public static let cpdPoints = AllowedRange(0, 20_000)
    /// Years within which prior learning counts.
    public static let priorWithinYears = AllowedRange(0, 100, excludingLowest: true)
    /// A figure of a saved plan read back (totals, a run's fee): inside what any valid plan can reach.
    public static let planFigure = AllowedRange(0, 1e15)
    /// Weeks a credential or one run of it lasts: ten years at most.
    public static let weeks: ClosedRange<Int> = 1...520
    /// Seats left in one run.
    public static let seats: ClosedRange<Int> = 0...1_000_000
    /// How many times a repeatable credential may be taken in all.
    public static let repeats: ClosedRange<Int> = 1...20
    /// The `N` of `{"atLeast": N, "of": …}`; the number of children bounds it further.
    public static let atLeastCount: ClosedRange<Int> = 1...100_000
    /// European Qualifications Framework levels.
    public static let eqfLevels: ClosedRange<Int> = 1...8
    /// Years a date may fall in: anything outside is a typing mistake, and keeping dates here
    /// keeps day counts and month arithmetic far from overflow.
    public static let years: ClosedRange<Int> = 1900...2200
    /// How deep requirement nodes and prerequisite expressions may nest. Real trees are a few
    /// levels deep; the bound keeps every recursive walk of a tree (the planner encodes trees
    /// recursively) well inside the 512 KiB stack of a worker thread, where about 350 levels of
    /// a debug build's encoder already overflow.
    public static let nestingDepth = 100
    /// Characters in an identifier.
    public static let identifierLength: ClosedRange<Int> = 1...200
    /// Characters in a city's name.
    public static let cityLength: ClosedRange<Int> = 1...100
    /// The punctuation an identifier may hold besides ASCII letters and digits: enough for
    /// slugs (`tcd-nu7812`), dotted and namespaced codes (`NMBI.CEU`, `urn:uuid:…`), e-mail
    /// addresses and URLs (`https://example.edu/achievements/a7#x`, `%20`), and nothing that is
    /// white space, a control character, a quote, a list separator or a path bracket.
    public static let identifierPunctuation: Set<Character> = ["-", "_", ".", ":", "/", "@", "#", "+", "~", "%"]

    /// Whether `text` is a valid identifier: 1–200 characters, each an ASCII letter or digit or
    /// one of ``identifierPunctuation``.
    public static func isIdentifier(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= identifierLength.upperBound else { return false }
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": continue
            default: if !identifierPunctuation.contains(Character(scalar)) { return false }
            }
        }
        return identifierLength.contains(count)
    }

    /// The numbers of a code range (`BIOL` 3000–3999): up to nine digits.
    public static let codeNumbers: ClosedRange<Int> = 0...999_999_999

    /// Whether `text` can be a course code or a pattern of codes: 1–50 characters, none of them
    /// a control character (spaces are allowed: `BIOL 3120`).
    public static func isCode(_ text: String) -> Bool {
        let count = text.unicodeScalars.count
        return (1...50).contains(count) && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    public static let codeRule = "1–50 characters, no control characters"

    /// Whether `text` is an ISCED-F 2013 field code: a broad (2 digits), narrow (3) or detailed (4) field.
    public static func isISCEDField(_ text: String) -> Bool {
        (2...4).contains(text.unicodeScalars.count) && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    public static let iscedRule = "2, 3 or 4 digits, such as 09 or 0913"

    /// The rule in words, for messages.
    public static let identifierRule = "1–200 characters, each an ASCII letter, a digit or one of - _ . : / @ # + ~ %"

    /// The first and last day ``years`` allow.
    public static let days: ClosedRange<Day> = Day(year: years.lowerBound, month: 1, day: 1)!...Day(year: years.upperBound, month: 12, day: 31)!
}

/// The JSON path of an object's member: `$.exchangeRates.GBP`, or in brackets with the key
/// quoted (`$.exchangeRates["G\u0000P"]`) when the key is not a plain name.
func memberPath(_ base: String, _ key: String) -> String {
    let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    return plain ? "\(base).\(key)" : "\(base)[\(key.quotedForMessage)]"
}

extension String {
    /// The string as a message quotes it: control characters escaped, so that a NUL or a line
    /// break in bad input shows instead of cutting or breaking the message, and cut after 80
    /// characters, so that a megabyte-long value does not become a megabyte-long message.
    package var quotedForMessage: String {
        // The common case, a short printable ASCII id with nothing to escape, without a walk
        // over its scalars (validation names every record this way as it reads it).
        if utf8.count <= 80, utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + self + "\""
        }
        var text = "\""
        for (position, scalar) in unicodeScalars.enumerated() {
            if position == 80 { return text + "…\"" }
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                text += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
