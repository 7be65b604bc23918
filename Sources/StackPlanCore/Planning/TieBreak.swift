import MILP

/// The last stages of every plan's lexicographic solve: fewest credentials, then earlier ids
/// (docs/formulation.md §4). Two stages with whole coefficients rather than one with rank
/// weights scaled below one: at national size those weights differ by about 1e-7 of the
/// objective, under GLPK's tolerances, and the plan among equals was the solver's choice (a
/// learner of the generated 100k catalogue got three plans of the same fee, completion and size
/// from one request). Whole coefficients differ by at least 1.
public enum TieBreak {
    /// The two stages for take columns ranked in id order (`rank` from 0): Σ x, then Σ (rank + 1) x.
    public static func stages<S: Sequence>(ranked takes: S) -> [LinearExpression] where S.Element == (rank: Int, take: Variable) {
        let takes = Array(takes)
        return [LinearExpression(terms: takes.map { (1, $0.take) }),
                LinearExpression(terms: takes.map { (Double($0.rank + 1), $0.take) })]
    }
}
