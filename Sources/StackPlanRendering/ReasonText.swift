import StackPlanCore

// English for the core's reasons. Each sentence reads without a capital or a final stop, so
// that the reports can put it after a colon.

extension NotOfferedReason {
    /// Follows "ID is": `taught in-person, not in your modes (online)`.
    public var text: String {
        switch self {
        case .withdrawn: "withdrawn (what-if: treated as not offered)"
        case .mode(let mode, let allowed): "taught \(mode.rawValue), not in your modes (\(allowed.map(\.rawValue).joined(separator: ", ")))"
        case .language(let taught, let allowed): "taught in \(taught.joined(separator: "/")), not in your languages (\(allowed.joined(separator: ", ")))"
        case .notAccredited: "not accredited, and you plan accredited credentials only"
        case .excludedProvider(let provider): "from provider \(provider), which you excluded"
        case .outsidePlaces(let places):
            "held in person only outside your places (\(places.map(\.description).joined(separator: "; ")))"
        case .noExchangeRate(let currency, let base): "priced in \(currency ?? "?"), which has no exchange rate to \(base)"
        case .noOpenOffering(let start): "offered only before \(start) or without seats"
        case .tooIntense(let needed, let available):
            "too intense: every offering needs at least \(formatNumber(needed.rounded(.up))) hours a week, over your \(formatNumber(available))"
        case .kindNotAllowed(let kind, let allowed):
            "a \(kind.rawValue) credential, not among the kinds asked for (\(allowed.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}

extension HeldUnusedReason {
    public var text: String {
        switch self {
        case .undated(let qualification, let years):
            "no date earned, and \(qualification) counts prior learning of the last \(formatNumber(years)) years only"
        case .tooOld(let earned, let years, let today): "earned \(earned), more than \(formatNumber(years)) years before \(today)"
        case .earnedAfterToday(let earned, let today): "earned \(earned), after \(today)"
        case .carriesNoECTS: "carries no ECTS, so it adds nothing to the credit requirements it fits"
        case .priorCapReached(let cap, let counted):
            "the prior-learning cap of \(formatNumber(cap)) ECTS is reached (\(formatNumber(counted)) ECTS of prior learning count)"
        case .overlaps(let other): "overlaps \(other), which counts instead"
        case .notNeeded: "not needed: the requirements it fits are met without it"
        case .matchesNoRequirement(let qualification): "matches no requirement of \(qualification)"
        case .notVerified: "not verified, and you count verified credentials only"
        case .verificationFailed: "its verification failed on import (a broken proof, expired or revoked)"
        case .recorded(let text): text
        }
    }
}

extension UnmetReason {
    /// The reason under a requirement that no plan can meet.
    public var text: String {
        switch self {
        case .heldCannotCount(let reason): "held, but it cannot count: " + (reason?.text ?? "it is not eligible")
        case .unknownCredential(let id): "the catalogue has no credential \(id)"
        case .notOffered(let id, let reason): "\(id) is \(reason.text)"
        case .prerequisitesOutOfReach(let missing):
            "its prerequisites cannot be met" + (missing.isEmpty ? "" : " (\(missing.joined(separator: ", ")) out of reach)")
        case .notTogether: "it cannot be taken"
        case .creditsOutOfReach(let available, let needed, let matching):
            "at most \(formatNumber(available)) of the \(formatNumber(needed)) ECTS can be found (\(plural(matching, "matching credential")))"
        case .countOutOfReach(let available, let needed): "only \(plural(available, "matching credential")) can be had, \(needed) needed"
        case .tooFewValues(let field, let available, let needed):
            "the credentials it accepts show only \(available) different \(field.noun(plural: available != 1)), \(needed) needed"
        case .noAlternative(let count): "none of its \(count) alternatives can be met"
        case .tooFewMet(let met, let needed): "only \(met) of the \(needed) needed can be met"
        case .partsUnmet: "some of its parts cannot be met"
        case .totalOutOfReach(let available, _): "at most \(formatNumber(available)) ECTS can count"
        }
    }

    /// The reason inside a shortfall, where "cannot be taken" means "not with the rest of the plan".
    var shortfallText: String {
        if case .notTogether = self {
            return "it is within your limits, but not together with the rest of the plan (budget, hours, deadline or overlaps)"
        }
        return text
    }
}

extension LimitBreach {
    public var text: String {
        switch self {
        case .deadline(let earliest, let deadline): "the earliest any plan can finish is \(earliest), after the deadline \(deadline)"
        case .budget(let cheapest, let budget, let currency):
            "the cheapest plan costs \(formatMoney(cheapest)) \(currency), over the budget of \(formatMoney(budget)) \(currency)"
        case .hours(let least, let limit): "the lightest plan needs \(formatNumber(least)) learning hours, over the limit of \(formatNumber(limit))"
        case .together: "no plan keeps within the budget, the hours and the deadline at once"
        }
    }
}

extension ActiveLimit {
    public var text: String {
        switch self {
        case .languages(let languages): "languages " + languages.joined(separator: ", ")
        case .modes(let modes): "modes " + modes.map(\.rawValue).joined(separator: ", ")
        case .accreditedOnly: "accredited only"
        case .excludedProviders(let providers): "not from " + providers.joined(separator: ", ")
        case .weeklyHours(let hours, let start): "\(formatNumber(hours)) h a week from \(start)"
        }
    }
}

extension RelaxationChange {
    public var text: String {
        switch self {
        case .budget(let old, let new, let currency):
            "raise the budget from \(formatMoney(old)) to \(formatMoney(new)) \(currency) (+\(formatMoney(max(new - old, 0))))"
        case .maxHours(let old, let new): "raise the hour limit from \(formatNumber(old)) to \(formatNumber(new)) (+\(formatNumber(max(new - old, 0))))"
        case .deadline(let old, let new): "move the deadline from \(old) to \(new)"
        case .hoursPerWeek(let old, let new, let completes):
            "give \(formatNumber(new)) h a week instead of \(formatNumber(old))" + (completes.map { "; the plan then finishes \($0)" } ?? "")
        case .addLanguages(let names): "add the language\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))"
        case .addModes(let names): "add the mode\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))"
        case .acceptUnaccredited(let names):
            "accept \(plural(names.count, "credential")) that \(names.count == 1 ? "is" : "are") not accredited (\(names.joined(separator: ", ")))"
        case .includeProviders(let names): "stop excluding \(names.joined(separator: ", "))"
        }
    }
}

extension CredentialRole {
    /// As plan reports print it: `counts toward requires.allOf[0]`, `prerequisite of a, b`.
    public var text: String {
        switch self {
        case .countsToward(let paths): "counts toward " + paths.joined(separator: ", ")
        case .heldCountsToward(let paths): "held, counts toward " + paths.joined(separator: ", ")
        case .prerequisiteOf(let dependants): "prerequisite of " + (dependants.isEmpty ? "a planned credential" : dependants.joined(separator: ", "))
        case .corequisiteOf(let dependants): "corequisite of " + dependants.joined(separator: ", ")
        }
    }
}

/// A credits filter in words, with a leading space: ` in dementia, at EQF 7+`.
public func describe(_ filter: CredentialFilter) -> String { filter.phrase }

extension DistinctRule.Field {
    /// The field's values named in English: `providers`, `ISCED-F fields`.
    public func noun(plural: Bool) -> String {
        switch self {
        case .provider: plural ? "providers" : "provider"
        case .competency: plural ? "competencies" : "competency"
        case .isced: plural ? "ISCED-F fields" : "ISCED-F field"
        case .kind: plural ? "kinds" : "kind"
        case .eqf: plural ? "EQF levels" : "EQF level"
        case .subject: plural ? "subjects" : "subject"
        }
    }
}
