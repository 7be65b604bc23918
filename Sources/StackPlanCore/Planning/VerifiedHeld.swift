extension PlanRequest {
    /// Catalogue ids of the credentials the learner holds for planning's purposes. A held
    /// credential whose verification failed, and with `verifiedOnly` any unverified one, is as if
    /// not held: it does not count, and the plan may take it (again) to obtain a sound one.
    var heldCatalogueIDs: Set<String> {
        Set(learner.held.filter { !$0.failedVerification && (!constraints.verifiedOnly || $0.isVerified) }.compactMap(\.catalogueID))
    }
}
