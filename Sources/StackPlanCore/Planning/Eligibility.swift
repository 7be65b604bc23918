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
    func reasonNotOffered(_ credential: Credential) -> String? {
        if withdrawn.contains(credential.id) { return "withdrawn (what-if: treated as not offered)" }
        if let modes = constraints.modes, !modes.contains(credential.mode) {
            return "taught \(credential.mode.rawValue), not in your modes (\(modes.map(\.rawValue).joined(separator: ", ")))"
        }
        if let languages = constraints.languages, !credential.languages.contains(where: languages.contains) {
            return "taught in \(credential.languages.joined(separator: "/")), not in your languages (\(languages.joined(separator: ", ")))"
        }
        if constraints.accreditedOnly && !catalogue.isAccredited(credential) { return "not accredited, and you plan accredited credentials only" }
        if constraints.excludeProviders.contains(credential.provider) { return "from provider \(credential.provider), which you excluded" }
        if catalogue.costInBaseCurrency(credential) == nil {
            return "priced in \(credential.currency ?? "?"), which has no exchange rate to \(catalogue.baseCurrency)"
        }
        if let schedule, !credential.offerings.isEmpty {
            let hours = credential.learningHours(hoursPerECTS: hoursPerECTS)
            let open = credential.offerings.filter { $0.seats != 0 && $0.start >= schedule.start }
            if open.isEmpty { return "offered only before \(schedule.start) or without seats" }
            if let lightest = open.map({ hours / Double($0.weeks ?? credential.weeks ?? 1) }).min(), lightest > schedule.hoursPerWeek + 1e-9 {
                return "too intense: every offering needs at least \(format(lightest.rounded(.up))) hours a week, over your \(format(schedule.hoursPerWeek))"
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

    /// Why a held credential cannot count toward the qualification, or `nil` when it can.
    func reasonHeldDoesNotCount(earned: Day?) -> String? {
        guard let oldest = oldestCountable, let years = qualification.rules.priorWithinYears else { return nil }
        guard let earned else { return "no date earned, and \(qualification.id) counts prior learning of the last \(format(years)) years only" }
        if earned < oldest { return "earned \(earned), more than \(format(years)) years before \(today)" }
        if earned > today { return "earned \(earned), after \(today)" }
        return nil
    }
}
