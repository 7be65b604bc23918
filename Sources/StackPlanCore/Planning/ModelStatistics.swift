/// How big a request's model is, with and without pruning dominated candidates: what
/// `stackplan plan --stats` and the benchmark report.
public struct ModelStatistics: Sendable, Equatable {
    /// Candidates of the model as the request builds it (pruned or not).
    public var candidates: Int
    /// Candidates before pruning.
    public var unprunedCandidates: Int
    public var size: Plan.ModelSize
    public var unprunedSize: Plan.ModelSize
}

extension Planner {
    /// Builds the request's model with and without pruning (without solving either).
    public func modelStatistics(for request: PlanRequest) throws -> ModelStatistics {
        let qualification = try validate(request)
        var unpruned = request
        unpruned.pruneDominated = false
        let built = try formulation(request, qualification: qualification)
        let plain = try formulation(unpruned, qualification: qualification)
        func size(_ formulation: Formulation) -> Plan.ModelSize {
            let model = formulation.model
            return Plan.ModelSize(
                rows: model.rows.count, columns: model.variables.count,
                integerColumns: model.numberOfIntegerVariables, nonZeros: model.numberOfNonZeros)
        }
        return ModelStatistics(
            candidates: built.candidates.count, unprunedCandidates: plain.candidates.count,
            size: size(built), unprunedSize: size(plain))
    }
}
