import StackPlanCore

// The reasons for programs: `{"code": "...", figures...}`. The codes are the cases' `code`;
// figures are numbers, dates as YYYY-MM-DD, ids as strings.

private func number(_ value: Double) -> JSON { .number(rounded(value)) }
private func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

extension NotOfferedReason {
    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .withdrawn, .notAccredited: break
        case .mode(let mode, let allowed):
            fields["mode"] = .string(mode.rawValue)
            fields["allowed"] = strings(allowed.map(\.rawValue))
        case .language(let taught, let allowed):
            fields["languages"] = strings(taught)
            fields["allowed"] = strings(allowed)
        case .excludedProvider(let provider): fields["provider"] = .string(provider)
        case .outsidePlaces(let places): fields["places"] = strings(places.map(\.description))
        case .noExchangeRate(let currency, let base):
            fields["currency"] = currency.map(JSON.string) ?? .null
            fields["baseCurrency"] = .string(base)
        case .noOpenOffering(let start): fields["start"] = .string(start.description)
        case .tooIntense(let needed, let available):
            fields["hoursPerWeekNeeded"] = number(needed)
            fields["hoursPerWeek"] = number(available)
        case .kindNotAllowed(let kind, let allowed):
            fields["kind"] = .string(kind.rawValue)
            fields["allowed"] = strings(allowed.map(\.rawValue))
        }
        return .object(fields)
    }
}

extension HeldUnusedReason {
    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .undated(let qualification, let years):
            fields["qualification"] = .string(qualification)
            fields["withinYears"] = number(years)
        case .tooOld(let earned, let years, let today):
            fields["earned"] = .string(earned.description)
            fields["withinYears"] = number(years)
            fields["today"] = .string(today.description)
        case .earnedAfterToday(let earned, let today):
            fields["earned"] = .string(earned.description)
            fields["today"] = .string(today.description)
        case .carriesNoECTS, .notNeeded, .notVerified, .verificationFailed: break
        case .priorCapReached(let cap, let counted):
            fields["cap"] = number(cap)
            fields["counted"] = number(counted)
        case .overlaps(let other): fields["countsInstead"] = .string(other)
        case .matchesNoRequirement(let qualification): fields["qualification"] = .string(qualification)
        case .recorded(let text): fields["text"] = .string(text)
        }
        return .object(fields)
    }
}

extension UnmetReason {
    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .heldCannotCount(let reason): fields["held"] = reason?.json ?? .null
        case .unknownCredential(let id): fields["credential"] = .string(id)
        case .notOffered(let id, let reason):
            fields["credential"] = .string(id)
            fields["notOffered"] = reason.json
        case .prerequisitesOutOfReach(let missing): fields["missing"] = strings(missing)
        case .notTogether, .partsUnmet: break
        case .creditsOutOfReach(let available, let needed, let matching):
            fields["availableEcts"] = number(available)
            fields["neededEcts"] = number(needed)
            fields["matching"] = .number(Double(matching))
        case .countOutOfReach(let available, let needed):
            fields["available"] = .number(Double(available))
            fields["needed"] = .number(Double(needed))
        case .tooFewValues(let field, let available, let needed):
            fields["by"] = .string(field.rawValue)
            fields["available"] = .number(Double(available))
            fields["needed"] = .number(Double(needed))
        case .noAlternative(let count): fields["alternatives"] = .number(Double(count))
        case .tooFewMet(let met, let needed):
            fields["met"] = .number(Double(met))
            fields["needed"] = .number(Double(needed))
        case .totalOutOfReach(let available, let needed):
            fields["availableEcts"] = number(available)
            fields["neededEcts"] = number(needed)
        }
        return .object(fields)
    }
}

extension LimitBreach {
    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .deadline(let earliest, let deadline):
            fields["earliestCompletion"] = .string(earliest.description)
            fields["deadline"] = .string(deadline.description)
        case .budget(let cheapest, let budget, let currency):
            fields["cheapestCost"] = number(cheapest)
            fields["budget"] = number(budget)
            fields["currency"] = .string(currency)
        case .hours(let least, let limit):
            fields["leastHours"] = number(least)
            fields["maxHours"] = number(limit)
        case .together: break
        }
        return .object(fields)
    }
}

extension ActiveLimit {
    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .languages(let languages): fields["languages"] = strings(languages)
        case .modes(let modes): fields["modes"] = strings(modes.map(\.rawValue))
        case .accreditedOnly: break
        case .excludedProviders(let providers): fields["providers"] = strings(providers)
        case .weeklyHours(let hours, let start):
            fields["hoursPerWeek"] = number(hours)
            fields["start"] = .string(start.description)
        }
        return .object(fields)
    }
}

extension RelaxationChange {
    public var json: JSON {
        var fields: [String: JSON] = ["code": .string(code)]
        switch self {
        case .budget(let old, let new, let currency):
            fields["from"] = number(old)
            fields["to"] = number(new)
            fields["currency"] = .string(currency)
        case .maxHours(let old, let new):
            fields["from"] = number(old)
            fields["to"] = number(new)
        case .deadline(let old, let new):
            fields["from"] = .string(old.description)
            fields["to"] = .string(new.description)
        case .hoursPerWeek(let old, let new, let completes):
            fields["from"] = number(old)
            fields["to"] = number(new)
            fields["completes"] = completes.map { .string($0.description) } ?? .null
        case .addLanguages(let names), .addModes(let names), .acceptUnaccredited(let names), .includeProviders(let names):
            fields["admitted"] = strings(names)
        }
        return .object(fields)
    }
}

extension CredentialRole {
    public var json: JSON {
        switch self {
        case .countsToward(let paths), .heldCountsToward(let paths): .object(["code": .string(code), "paths": strings(paths)])
        case .prerequisiteOf(let dependants), .corequisiteOf(let dependants): .object(["code": .string(code), "of": strings(dependants)])
        }
    }
}
