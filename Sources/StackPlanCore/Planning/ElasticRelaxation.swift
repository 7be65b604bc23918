import MILP

/// A requirement of the plan's model that the elastic pass may relax, and the row that states it.
enum RelaxableRequirement {
    /// A credential leaf with a row of its own: `met[path]` (required) or `leaf[path]` (optional).
    case credentialLeaf(node: Int, row: Int, weight: Double)
    /// An optional credential leaf whose items' sum went straight into its parents' rows, each
    /// with the sign it has there.
    case bareCredentialLeaf(node: Int, sum: LinearExpression, uses: [(row: Int, sign: Double)], weight: Double)
    /// A credit leaf's row `credits[path]`.
    case credits(node: Int, row: Int, minimum: Double)
    /// A count of credentials (`count[path]`) or of different values (`distinct[path]`) on a leaf.
    case threshold(node: Int, row: Int, minimum: Double)
    /// A required cap's row `cap[path]`, and the most its load can exceed it by.
    case cap(node: Int, row: Int, excess: Double)
    /// The row `total_ects`.
    case total(row: Int, ects: Double)
    /// The row `prior_cap`.
    case priorCap(row: Int)
}

extension Formulation {
    /// Lets every requirement of the built model fall short at a price, as JuMP's
    /// `relax_with_penalty!` does for a model's constraints, and returns the columns that
    /// measure how far (docs/formulation.md §10.3). Every other row stays: the learner's limits,
    /// prerequisites, overlaps, the calendar.
    ///
    /// A credential leaf gets a binary waiver (weight: the ECTS it asks for, at least 1); an
    /// optional leaf whose items' sum sat in its parents' rows gets an indicator capped at 1 in
    /// their place, so that a waiver and an item never count twice toward an at-least count.
    /// Credit leaves and the total get the ECTS missing, caps the ECTS over.
    mutating func relaxRequirements() -> [ElasticTerm] {
        var terms: [ElasticTerm] = []
        for requirement in relaxable {
            switch requirement {
            case .credentialLeaf(let node, let row, let weight):
                let waiver = model.addBinary("waive[\(tree.nodes[node].path)]")
                model.addTerm(1, waiver, toRow: row)
                terms.append(ElasticTerm(kind: .credential, node: node, variable: waiver, weight: weight))
            case .bareCredentialLeaf(let node, let sum, let uses, let weight):
                let path = tree.nodes[node].path
                let waiver = model.addBinary("waive[\(path)]")
                let met = model.addVariable("met[\(path)]", .continuous, lowerBound: 0, upperBound: 1)
                model.add(met <= sum + waiver, name: "leaf[\(path)]")
                for (row, sign) in uses {
                    for (variable, coefficient) in sum.coefficients { model.addTerm(-sign * coefficient, variable, toRow: row) }
                    model.addTerm(sign, met, toRow: row)
                }
                terms.append(ElasticTerm(kind: .credential, node: node, variable: waiver, weight: weight))
            case .credits(let node, let row, let minimum):
                let missing = model.addVariable("missing[\(tree.nodes[node].path)]", .continuous, lowerBound: 0, upperBound: minimum)
                model.addTerm(1, missing, toRow: row)
                terms.append(ElasticTerm(kind: .credits, node: node, variable: missing, weight: 1))
            case .threshold(let node, let row, let minimum):
                let missing = model.addVariable("short[\(tree.nodes[node].path)]", .continuous, lowerBound: 0, upperBound: minimum)
                model.addTerm(1, missing, toRow: row)
                terms.append(ElasticTerm(kind: .threshold, node: node, variable: missing, weight: 1))
            case .cap(let node, let row, let excess):
                let over = model.addVariable("excess[\(tree.nodes[node].path)]", .continuous, lowerBound: 0, upperBound: excess)
                model.addTerm(-1, over, toRow: row)
                terms.append(ElasticTerm(kind: .cap, node: node, variable: over, weight: 1))
            case .total(let row, let ects):
                let missing = model.addVariable("missing[ects]", .continuous, lowerBound: 0, upperBound: ects)
                model.addTerm(1, missing, toRow: row)
                terms.append(ElasticTerm(kind: .total, node: nil, variable: missing, weight: 1))
            case .priorCap(let row):
                // Only hand applications can force prior learning over the cap; the excess measures it.
                let excess = model.addVariable("excess[prior]", .continuous, lowerBound: 0, upperBound: nil)
                model.addTerm(-1, excess, toRow: row)
                terms.append(ElasticTerm(kind: .priorCap, node: nil, variable: excess, weight: 1))
            }
        }
        // Waivers make every requirement reachable.
        structurallyInfeasible = false
        return terms
    }
}
