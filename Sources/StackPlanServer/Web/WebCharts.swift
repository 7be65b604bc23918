import Foundation
import StackPlanCore

/// The pages' charts as inline SVG, drawn here (nothing loaded from elsewhere). Each chart has a
/// title and description for screen readers; every page also shows the same figures as a table.
enum WebCharts {
    private static func esc(_ text: String) -> String { WebFormat.escape(text) }

    /// A Gantt chart of the schedule: one bar per credential from its start to its end.
    static func timeline(_ runs: [(credential: String, start: Day, end: Day)]) -> String {
        guard let first = runs.map(\.start.ordinal).min(), let last = runs.map(\.end.ordinal).max(), last >= first else { return "" }
        let labelWidth = 170.0, width = 760.0, rowHeight = 28.0, top = 30.0
        let span = Double(max(1, last + 1 - first))
        let plotWidth = width - labelWidth - 10
        func x(_ ordinal: Int) -> Double { labelWidth + (Double(ordinal - first) / span) * plotWidth }
        let height = top + rowHeight * Double(runs.count) + 10
        var svg = "<svg class=\"chart timeline\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"timeline-title timeline-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"timeline-title\">Timeline of the plan</title>"
        svg += "<desc id=\"timeline-desc\">\(runs.count) credentials from \(esc(Day(ordinal: first).description)) to \(esc(Day(ordinal: last).description)); the table below lists the same dates.</desc>"
        // Year and quarter ticks.
        let startDay = Day(ordinal: first)
        var tick = Day(year: startDay.components.year, month: ((startDay.components.month - 1) / 3) * 3 + 1, day: 1) ?? startDay
        var guardCount = 0
        while tick.ordinal <= last, guardCount < 200 {
            if tick.ordinal >= first {
                let position = x(tick.ordinal)
                svg += "<line class=\"grid\" x1=\"\(fmt(position))\" y1=\"\(fmt(top - 6))\" x2=\"\(fmt(position))\" y2=\"\(fmt(height - 10))\"/>"
                svg += "<text class=\"tick\" x=\"\(fmt(position + 2))\" y=\"\(fmt(top - 10))\">\(esc(String(tick.description.prefix(7))))</text>"
            }
            tick = tick.adding(months: 3)
            guardCount += 1
        }
        for (index, run) in runs.enumerated() {
            let y = top + rowHeight * Double(index)
            let from = x(run.start.ordinal), to = x(run.end.ordinal + 1)
            svg += "<text class=\"label\" x=\"4\" y=\"\(fmt(y + rowHeight * 0.65))\">\(esc(String(run.credential.prefix(24))))</text>"
            svg += "<rect class=\"bar\" x=\"\(fmt(from))\" y=\"\(fmt(y + 5))\" width=\"\(fmt(max(2, to - from)))\" height=\"\(fmt(rowHeight - 10))\" rx=\"3\">"
            svg += "<title>\(esc(run.credential)): \(esc(run.start.description)) to \(esc(run.end.description))</title></rect>"
        }
        return svg + "</svg>"
    }

    struct Point {
        var day: Day
        var cost: Double
        var link: String
        var label: String
    }

    /// The cost–time frontier: finishing date across, cost up; each point links to its plan.
    static func frontier(_ points: [Point]) -> String {
        guard !points.isEmpty else { return "" }
        let width = 640.0, height = 360.0, left = 70.0, bottom = 40.0, top = 20.0, right = 20.0
        let days = points.map(\.day.ordinal), costs = points.map(\.cost)
        let minDay = days.min()! - 15, maxDay = days.max()! + 15
        let minCost = max(0, costs.min()! * 0.9), maxCost = costs.max()! * 1.1 + 1
        func x(_ ordinal: Int) -> Double { left + Double(ordinal - minDay) / Double(max(1, maxDay - minDay)) * (width - left - right) }
        func y(_ cost: Double) -> Double { height - bottom - (cost - minCost) / max(1, maxCost - minCost) * (height - top - bottom) }
        var svg = "<svg class=\"chart frontier\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"frontier-title frontier-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"frontier-title\">Cost against finishing date</title>"
        svg += "<desc id=\"frontier-desc\">\(points.count) plans, none beaten on both cost and date; the table beside lists them with links.</desc>"
        svg += "<line class=\"axis\" x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width - right))\" y2=\"\(fmt(height - bottom))\"/>"
        svg += "<line class=\"axis\" x1=\"\(fmt(left))\" y1=\"\(fmt(top))\" x2=\"\(fmt(left))\" y2=\"\(fmt(height - bottom))\"/>"
        svg += "<text class=\"tick\" x=\"\(fmt(width / 2))\" y=\"\(fmt(height - 6))\" text-anchor=\"middle\">finishing date</text>"
        svg += "<text class=\"tick\" x=\"14\" y=\"\(fmt(height / 2))\" transform=\"rotate(-90 14 \(fmt(height / 2)))\" text-anchor=\"middle\">cost</text>"
        for step in 0...4 {
            let cost = minCost + (maxCost - minCost) * Double(step) / 4
            svg += "<text class=\"tick\" x=\"\(fmt(left - 6))\" y=\"\(fmt(y(cost) + 4))\" text-anchor=\"end\">\(esc(WebFormat.number(cost.rounded())))</text>"
        }
        let path = points.sorted { $0.day < $1.day }.map { "\(fmt(x($0.day.ordinal))),\(fmt(y($0.cost)))" }.joined(separator: " ")
        svg += "<polyline class=\"line\" points=\"\(path)\"/>"
        for point in points {
            let px = x(point.day.ordinal), py = y(point.cost)
            svg += "<a href=\"\(esc(point.link))\" aria-label=\"\(esc(point.label))\"><circle class=\"point\" cx=\"\(fmt(px))\" cy=\"\(fmt(py))\" r=\"7\"><title>\(esc(point.label))</title></circle></a>"
            svg += "<text class=\"tick\" x=\"\(fmt(px))\" y=\"\(fmt(py - 11))\" text-anchor=\"middle\">\(esc(String(point.day.description.prefix(7))))</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one per label, scaled to the largest value.
    static func bars(_ values: [(label: String, value: Double, note: String)], title: String) -> String {
        guard let largest = values.map(\.value).max(), largest > 0 else { return "" }
        let labelWidth = 170.0, width = 640.0, rowHeight = 30.0
        let height = rowHeight * Double(values.count) + 10
        var svg = "<svg class=\"chart bars\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"bars-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"bars-title\">\(esc(title))</title>"
        for (index, item) in values.enumerated() {
            let y = Double(index) * rowHeight + 5
            let barWidth = max(2, item.value / largest * (width - labelWidth - 120))
            svg += "<text class=\"label\" x=\"4\" y=\"\(fmt(y + rowHeight * 0.6))\">\(esc(String(item.label.prefix(24))))</text>"
            svg += "<rect class=\"bar\" x=\"\(fmt(labelWidth))\" y=\"\(fmt(y + 4))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(rowHeight - 12))\" rx=\"3\"/>"
            svg += "<text class=\"tick\" x=\"\(fmt(labelWidth + barWidth + 6))\" y=\"\(fmt(y + rowHeight * 0.6))\">\(esc(item.note))</text>"
        }
        return svg + "</svg>"
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
