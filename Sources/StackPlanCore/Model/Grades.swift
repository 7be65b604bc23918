/// A grading scale StackPlan knows: named grades (or numbers) mapped to points, higher better.
public struct GradingScale: Sendable, Equatable {
    public var id: String
    /// Named grades and their points; empty for a numeric scale.
    public var grades: [(name: String, points: Double)]
    /// For a numeric scale: the points a grade may have.
    public var numeric: ClosedRange<Double>?

    public static func == (lhs: GradingScale, rhs: GradingScale) -> Bool {
        lhs.id == rhs.id && lhs.numeric == rhs.numeric && lhs.grades.map(\.name) == rhs.grades.map(\.name) && lhs.grades.map(\.points) == rhs.grades.map(\.points)
    }

    /// The scales grades may be given on (docs/data-format.md, "Grades"): the ECTS grading
    /// scale (A–E pass, FX and F fail), US letter grades on the 4.0 scale, and percentages.
    public static let known: [GradingScale] = [
        GradingScale(id: "ects", grades: [("A", 5), ("B", 4), ("C", 3), ("D", 2), ("E", 1), ("FX", 0), ("F", 0)]),
        GradingScale(id: "us-letter", grades: [
            ("A+", 4), ("A", 4), ("A-", 3.7), ("B+", 3.3), ("B", 3), ("B-", 2.7), ("C+", 2.3), ("C", 2), ("C-", 1.7),
            ("D+", 1.3), ("D", 1), ("D-", 0.7), ("F", 0),
        ]),
        GradingScale(id: "percent", grades: [], numeric: 0...100),
    ]

    public static func named(_ id: String) -> GradingScale? { known.first { $0.id == id } }

    /// The points of a grade written as text (`B-`, letter case aside) or, on a numeric scale, a number.
    public func points(of grade: String) -> Double? {
        if let numeric {
            guard let value = Double(grade), numeric.contains(value) else { return nil }
            return value
        }
        return grades.first { $0.name.lowercased() == grade.lowercased() }?.points
    }

    /// How a grade on this scale is written, for messages: `A, B, C, D, E, FX or F`, `a number from 0 to 100`.
    public var accepted: String {
        if let numeric { return "a number from \(format(numeric.lowerBound)) to \(format(numeric.upperBound))" }
        let names = grades.map(\.name)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    /// Every scale's id, for messages.
    public static var knownIDs: String { known.map(\.id).joined(separator: ", ") }
}

/// A grade on a scale: as written, and its points.
public struct Grade: Sendable, Equatable, Hashable {
    public var scale: String
    public var text: String
    public var points: Double

    public init(scale: String, text: String, points: Double) {
        self.scale = scale
        self.text = text
        self.points = points
    }

    /// The grade `text` on the scale `scale`, `nil` when the scale is unknown or has no such grade.
    public init?(_ text: String, on scale: String) {
        guard let points = GradingScale.named(scale)?.points(of: text) else { return nil }
        self.init(scale: scale, text: text, points: points)
    }
}
