extension PlanRequest {
    /// Catalogue ids of the credentials the learner holds for planning's purposes. With
    /// `verifiedOnly`, an unverified held credential is as if not held: it does not count, and
    /// the plan may take it (again) to obtain a verified one.
    var heldCatalogueIDs: Set<String> {
        Set(learner.held.filter { !constraints.verifiedOnly || $0.isVerified }.compactMap(\.catalogueID))
    }
}
