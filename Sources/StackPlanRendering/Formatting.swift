import Foundation
import StackPlanCore

// Number formatting for every English rendering. None converts a Double to Int: figures come
// from files and flags, and a fee of 1e19 must print, not trap.

/// A number as people write it: `12`, `7.5`; whole values without a fraction, at any size.
public func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    if value.rounded() == value {
        // Below 2^53 every whole Double prints exactly; above, %.0f still prints all its digits.
        return value == 0 ? "0" : String(format: "%.0f", value)
    }
    return String(value)
}

/// Money to the cent, without a fraction when whole: `2200`, `99.50`, `10000000000000000000`.
public func formatMoney(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    // Past 1e15 a Double has no cents left to show, and multiplying by 100 could overflow.
    if abs(value) >= 1e15 { return formatNumber(value.rounded()) }
    let cents = (value * 100).rounded() / 100
    if cents == 0 { return "0" }
    return cents.rounded() == cents ? String(format: "%.0f", cents) : String(format: "%.2f", cents)
}

/// Rounds away the binary noise of sums of prices (2709.9999999 → 2710) for reports.
public func rounded(_ value: Double) -> Double {
    guard value.isFinite, abs(value) < 1e300 else { return value }
    return (value * 1e6).rounded() / 1e6
}

/// `1 credential`, `3 credentials`.
public func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

func truncate(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(width - 1)) + "…"
}

/// A whole count the solver reports as a Double (days, credentials), printed without trapping.
func formatWhole(_ value: Double) -> String { formatNumber(value.rounded()) }
