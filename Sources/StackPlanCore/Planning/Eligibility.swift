/// Which credentials a learner may take, and which held ones may count toward a qualification.
struct Eligibility {
    let catalogue: Catalogue
    let constraints: LearnerConstraints
    let qualification: Qualification
    let today: Day
    /// With a schedule, a credential whose every offering is past or too intense cannot be taken.
    var schedule: ScheduleSettings? = nil
    var hoursPerECTS: Double = 25
    /// Credentials treated as cancelled (what-if).
    var withdrawn: Set<String> = []

    /// Why the learner cannot take this credential, or `nil` when they can.
    func reasonNotOffered(_ credential: Credential) -> NotOfferedReason? {
        if withdrawn.contains(credential.id) { return .withdrawn }
        if let modes = constraints.modes, !modes.contains(credential.mode) { return .mode(credential.mode, allowed: modes) }
        if let languages = constraints.languages, !credential.languages.contains(where: languages.contains) {
            return .language(taught: credential.languages, allowed: languages)
        }
        if constraints.accreditedOnly && !catalogue.isAccredited(credential) { return .notAccredited }
        if constraints.excludeProviders.contains(credential.provider) { return .excludedProvider(credential.provider) }
        if let places = constraints.places, !catalogue.canAttendSomeRun(of: credential, within: places) {
            return .outsidePlaces(allowed: places)
        }
        if catalogue.costInBaseCurrency(credential) == nil { return .noExchangeRate(currency: credential.currency, base: catalogue.baseCurrency) }
        if let schedule, !credential.offerings.isEmpty {
            let hours = credential.learningHours(hoursPerECTS: hoursPerECTS)
            let open = credential.offerings.filter { $0.seats != 0 && $0.start >= schedule.start }
            if open.isEmpty { return .noOpenOffering(from: schedule.start) }
            if let lightest = open.map({ hours / Double($0.weeks ?? credential.weeks ?? 1) }).min(), lightest > schedule.hoursPerWeek + 1e-9 {
                return .tooIntense(hoursPerWeek: lightest, available: schedule.hoursPerWeek)
            }
        }
        return nil
    }

    /// The earliest day a held credential may have been earned and still count.
    var oldestCountable: Day? {
        // A window longer than a millennium admits every real award; capping it keeps the
        // month count (and the date) in range for any number the catalogue gives.
        qualification.rules.priorWithinYears.map { today.adding(months: -Int((min(max($0, 0), 1000) * 12).rounded())) }
    }

    /// Why a held credential cannot count toward this qualification, or `nil` when it can.
    func reasonHeldDoesNotCount(_ held: HeldCredential) -> HeldUnusedReason? {
        if held.failedVerification { return .verificationFailed }
        if constraints.verifiedOnly && !held.isVerified { return .notVerified }
        return reasonHeldDoesNotCount(earned: held.earned)
    }

    /// Why a credential earned on this day cannot count as prior learning, or `nil` when it can.
    func reasonHeldDoesNotCount(earned: Day?) -> HeldUnusedReason? {
        guard let oldest = oldestCountable, let years = qualification.rules.priorWithinYears else { return nil }
        guard let earned else { return .undated(qualification: qualification.id, withinYears: years) }
        if earned < oldest { return .tooOld(earned: earned, withinYears: years, today: today) }
        if earned > today { return .earnedAfterToday(earned: earned, today: today) }
        return nil
    }
}
