import StackPlanCore

/// A record that cannot be assessed under a scheme as it stands, with the field at fault.
public struct CPDRecordError: ClassifiedError, Sendable, Equatable {
    public var path: String
    public var message: String
    /// Always bad input: the record (or a flag standing in for one of its fields) is at fault.
    public var kind: ErrorKind { .invalidInput }

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

extension CPDScheme {
    /// The practitioner's cycle: the one ending on `cycleEnds`, or for fixed cycles without it,
    /// the one containing `asOf`.
    public func period(cycleEnds: Day?, asOf: Day) throws(CPDRecordError) -> CPDPeriod {
        let period: CPDPeriod
        switch cycle.anchor {
        case .renewal:
            guard let cycleEnds else {
                throw CPDRecordError(path: "$.cycleEnds", message: "is required: scheme \(id)'s cycle ends at each practitioner's renewal date")
            }
            period = CPDPeriod(start: cycleEnds.adding(months: -cycle.months).adding(days: 1), end: cycleEnds)
        case .fixed(let firstStart):
            if let cycleEnds {
                let index = fixedCycleIndex(containing: cycleEnds, firstStart: firstStart)
                let candidate = fixedPeriod(index, firstStart: firstStart)
                guard candidate.end == cycleEnds else {
                    throw CPDRecordError(
                        path: "$.cycleEnds",
                        message: "\(cycleEnds) is not the last day of a cycle of scheme \(id); the cycle around it runs \(candidate)")
                }
                period = candidate
            } else {
                period = fixedPeriod(fixedCycleIndex(containing: asOf, firstStart: firstStart), firstStart: firstStart)
            }
        }
        if let effective, period.end < effective {
            throw CPDRecordError(path: "$.cycleEnds", message: "the cycle \(period) ends before scheme \(id) took effect on \(effective)")
        }
        if let until, period.start > until {
            throw CPDRecordError(path: "$.cycleEnds", message: "scheme \(id) sets the rules of cycles up to \(until); the cycle \(period) is later")
        }
        return period
    }

    /// The cycle's number counted from the first, 0 for days before it.
    func fixedCycleIndex(containing day: Day, firstStart: Day) -> Int {
        guard day >= firstStart else { return 0 }
        let (year, month, date) = day.components
        let (startYear, startMonth, startDate) = firstStart.components
        let months = (year - startYear) * 12 + (month - startMonth) - (date < startDate ? 1 : 0)
        var index = max(0, months / cycle.months)
        // Clamping of short months can put the day one cycle off the estimate; step to the right one.
        while index > 0 && fixedPeriod(index, firstStart: firstStart).start > day { index -= 1 }
        while fixedPeriod(index, firstStart: firstStart).end < day { index += 1 }
        return index
    }

    func fixedPeriod(_ index: Int, firstStart: Day) -> CPDPeriod {
        let start = firstStart.adding(months: index * cycle.months)
        let end = firstStart.adding(months: (index + 1) * cycle.months).adding(days: -1)
        return CPDPeriod(start: start, end: end, isFirst: index == 0)
    }
}
