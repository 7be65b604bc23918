import Foundation
import StackPlanCore

/// The stack graph of a qualification as Graphviz DOT: the qualification, its requirement
/// nodes, the credentials that can meet each leaf, their prerequisites and overlaps; with a
/// plan, what it takes, what the learner holds and where each counts are highlighted.
public struct StackGraph: Sendable {
    public let qualification: Qualification
    public let catalogue: Catalogue
    public let plan: Plan?
    public let exceptions: [AdvisorException]
    /// Most credentials drawn per credits leaf, cheapest first (plan items always drawn); `nil` draws all.
    public let matchLimit: Int?

    public init(qualification: Qualification, catalogue: Catalogue, plan: Plan? = nil, exceptions: [AdvisorException] = [], matchLimit: Int? = 5) {
        self.qualification = qualification
        self.catalogue = catalogue
        self.plan = plan
        self.exceptions = exceptions
        self.matchLimit = matchLimit
    }

    static let takeColour = "#b7e1a1", heldColour = "#a9cdf0", metColour = "#2e7d32", appliedColour = "#1b5e20"

    public var dot: String {
        let tree = RequirementTree(qualification, in: catalogue, exceptions: exceptions)
        let taken = Set(plan?.taken ?? [])
        let heldApplied = Set(plan?.heldApplied ?? [])
        let metPaths = plan.map { metNodes($0, tree: tree) } ?? []
        var lines = [
            "digraph \(quoted("stack_" + qualification.id)) {",
            "  rankdir=LR;",
            "  node [fontname=\"Helvetica\", fontsize=10];",
            "  edge [fontname=\"Helvetica\", fontsize=9];",
            "  label=\(quoted(legend(tree: tree)));",
            "  labelloc=t;",
        ]
        let root = "q:" + qualification.id
        lines.append("  \(quoted(root)) [shape=doubleoctagon, style=filled, fillcolor=\"#fff3c4\", label=\(quoted("\(qualification.title)\n\(qualification.id) · \(formatNumber(qualification.ects)) ECTS · EQF \(qualification.eqf)"))];")
        // Edges run the way credentials stack: from a credential into a requirement, up to the award.
        lines.append("  \(quoted("n:requires")) -> \(quoted(root));")

        var credentials: [String] = []
        var edges: [String] = []
        func draw(_ id: String) { if !credentials.contains(id) { credentials.append(id) } }
        for (index, node) in tree.nodes.enumerated() {
            let name = "n:" + node.path
            var attributes = ["shape=box", "style=\"rounded\"", "label=\(quoted(wrap(tree.describe(index, catalogue: catalogue)) + "\n" + node.path))"]
            if tree.isWaived(index) {
                attributes = ["shape=box", "style=\"rounded,dashed\"", "color=gray50", "label=\(quoted(wrap(tree.describe(index, catalogue: catalogue)) + "\n" + node.path + "\nwaived by exception"))"]
            } else if tree.isSetAside(index) {
                attributes.append("color=gray70")
                attributes.append("fontcolor=gray50")
            } else if metPaths.contains(node.path) {
                attributes.append("color=\"\(Self.metColour)\"")
                attributes.append("penwidth=2")
            }
            lines.append("  \(quoted(name)) [\(attributes.joined(separator: ", "))];")
            for child in node.children { edges.append("  \(quoted("n:" + tree.nodes[child].path)) -> \(quoted(name));") }
            guard node.isLeaf, !tree.isSetAside(index) else { continue }
            // Candidates for the leaf: catalogue credentials it accepts, and what the plan applies.
            var fitting = catalogue.credentials.filter { tree.accepts(node, CountableItem(credential: $0, in: catalogue, hoursPerECTS: 25)) }
                .sorted { (catalogue.costInBaseCurrency($0) ?? .infinity, $0.id) < (catalogue.costInBaseCurrency($1) ?? .infinity, $1.id) }.map(\.id)
            let applied = plan?.applications.filter { $0.value.contains(node.path) }.map(\.key).sorted() ?? []
            var hidden: [String] = []
            if let limit = matchLimit, fitting.count > limit {
                let shown = Array(fitting.prefix(limit))
                hidden = fitting.filter { !shown.contains($0) && !applied.contains($0) }
                fitting = shown
            }
            for id in Set(fitting + applied).sorted() {
                let isApplied = applied.contains(id)
                if catalogue.credential(id) != nil { draw(id) }
                let style = isApplied ? "color=\"\(Self.appliedColour)\", penwidth=2.5" : "color=gray60"
                edges.append("  \(quoted(itemNode(id))) -> \(quoted(name)) [\(style)];")
            }
            if !hidden.isEmpty {
                let ects = hidden.compactMap(catalogue.credential).reduce(0) { $0 + $1.credits }
                lines.append("  \(quoted("more:" + node.path)) [shape=plaintext, fontcolor=gray40, label=\(quoted("+ \(hidden.count) more that fit (\(formatNumber(ects)) ECTS)"))];")
                edges.append("  \(quoted("more:" + node.path)) -> \(quoted(name)) [style=dotted, color=gray60];")
            }
        }
        // Prerequisites of what is drawn, followed down so that a plan's chain is complete.
        var queue = credentials
        var prerequisiteEdges: [String] = []
        while let id = queue.first {
            queue.removeFirst()
            for required in catalogue.credential(id)?.prerequisites?.credentialIDs ?? [] where catalogue.credential(required) != nil {
                if !credentials.contains(required) {
                    credentials.append(required)
                    queue.append(required)
                }
                let inPlan = taken.contains(required) && taken.contains(id)
                prerequisiteEdges.append("  \(quoted(itemNode(required))) -> \(quoted(itemNode(id))) [style=dashed, label=\"prerequisite\"\(inPlan ? ", color=\"\(Self.appliedColour)\", penwidth=2" : "")];")
            }
        }
        for id in credentials {
            guard let credential = catalogue.credential(id) else { continue }
            var attributes = ["shape=ellipse", "label=\(quoted("\(id)\n\(shorten(credential.title))\n\(formatNumber(credential.credits)) ECTS · \(formatMoney(catalogue.costInBaseCurrency(credential) ?? credential.cost)) \(catalogue.baseCurrency)"))"]
            if taken.contains(id) {
                attributes += ["style=filled", "fillcolor=\"\(Self.takeColour)\"", "penwidth=2"]
            } else if heldApplied.contains(id) {
                attributes += ["style=filled", "fillcolor=\"\(Self.heldColour)\"", "penwidth=2"]
            }
            lines.append("  \(quoted(itemNode(id))) [\(attributes.joined(separator: ", "))];")
        }
        // External held items the plan counts.
        for id in heldApplied.sorted() where catalogue.credential(id) == nil {
            lines.append("  \(quoted(itemNode(id))) [shape=note, style=filled, fillcolor=\"\(Self.heldColour)\", label=\(quoted("\(id)\nheld, from outside the catalogue"))];")
        }
        // Overlaps between drawn credentials.
        var overlaps: Set<[String]> = []
        for id in credentials {
            for other in catalogue.credential(id)?.excludes ?? [] where credentials.contains(other) { overlaps.insert([id, other].sorted()) }
        }
        for pair in overlaps.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            lines.append("  \(quoted(itemNode(pair[0]))) -> \(quoted(itemNode(pair[1]))) [dir=none, style=dotted, color=\"#c62828\", label=\"overlaps\"];")
        }
        lines += edges + prerequisiteEdges
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func legend(tree: RequirementTree) -> String {
        var text = "Stack graph of \(qualification.id)"
        if let plan {
            text += ": plan highlighted (green fill = to take, blue = held and counted, bold edges = where each counts); "
                + "\(plan.taken.count) to take, \(formatMoney(plan.totals.cost)) \(catalogue.baseCurrency)"
            if let completes = plan.completes { text += ", completes \(completes)" }
        }
        return text
    }

    private func metNodes(_ plan: Plan, tree: RequirementTree) -> Set<String> {
        var byPath: [String: [String]] = [:]
        for (id, paths) in plan.applications { for path in paths { byPath[path, default: []].append(id) } }
        var met: [Int: Bool] = [:]
        for index in tree.nodes.indices.reversed() {
            let node = tree.nodes[index]
            if tree.isWaived(index) { met[index] = true; continue }
            let applied = byPath[node.path] ?? []
            switch node.kind {
            case .credential: met[index] = !applied.isEmpty
            case .credits(let minimum, _):
                let ects = applied.reduce(0.0) { total, id in total + (catalogue.credential(id)?.credits ?? externalECTS(id)) }
                met[index] = ects >= minimum - 1e-9
            case .count(let minimum, _): met[index] = applied.count >= minimum
            case .maxCredits: met[index] = true
            case .allOf, .qualification: met[index] = node.children.allSatisfy { met[$0]! }
            case .anyOf: met[index] = node.children.contains { met[$0]! }
            case .atLeast(let count): met[index] = node.children.count { met[$0]! } >= count
            }
        }
        return Set(tree.nodes.indices.filter { met[$0]! }.map { tree.nodes[$0].path })
    }

    /// External held items are not in the catalogue: their ECTS show only through the plan's totals,
    /// so a credits leaf they fill is judged met when the plan says it counts.
    private func externalECTS(_ id: String) -> Double { id.hasPrefix("held[") ? .infinity : 0 }

    private func itemNode(_ id: String) -> String { "c:" + id }

    private func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    private func shorten(_ text: String) -> String { text.count <= 36 ? text : String(text.prefix(35)) + "…" }

    /// Breaks a long description into lines of about 40 characters at spaces.
    private func wrap(_ text: String, width: Int = 40) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + word.count + 1 > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }
}
