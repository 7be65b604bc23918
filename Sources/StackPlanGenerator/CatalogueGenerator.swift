import StackPlanCore

/// Builds a synthetic national-size catalogue, deterministically from a seed: the same seed and
/// sizes always give the same records in the same order.
///
/// The shapes follow the bundled catalogue: providers of five types across Europe, each with a
/// few fields of health care; credentials with ECTS mostly 1–15 and a tail to 59, EQF 4–8,
/// fees per ECTS by type of provider, prerequisite chains within a provider (always on earlier
/// credentials, so acyclic by construction) and overlaps between similar courses; ladders of
/// certificate (30 ECTS) → diploma (60) → master (90) whose requirement trees mix named core
/// modules, credit requirements filtered by competency, EQF, kind, provider or accreditation,
/// at-least and any-of choices, and caps on non-accredited learning; and professional
/// certificates with a core choice plus electives.
public struct CatalogueGenerator {
    public struct Sizes: Sendable, Equatable {
        public var credentials: Int
        public var qualifications: Int

        public init(credentials: Int, qualifications: Int) {
            self.credentials = credentials
            self.qualifications = qualifications
        }

        /// Why these sizes cannot be generated, or `nil`.
        public var problem: String? {
            if credentials < 20 { return "--credentials must be at least 20" }
            if credentials > 2_000_000 { return "--credentials must be at most 2,000,000" }
            if qualifications < 0 { return "--qualifications must be zero or more" }
            // Each ladder adds four core credentials; keep at least half for the open market.
            if Self.ladders(qualifications) * 4 > credentials / 2 {
                return "--qualifications \(qualifications) needs more credentials: at most \(credentials / 8 * 4 + 3) for \(credentials) credentials"
            }
            return nil
        }

        static func ladders(_ qualifications: Int) -> Int { qualifications / 4 }
    }

    public struct Output: Sendable {
        public var catalogue: Catalogue
        /// Learner profiles, each aiming at the qualification in its `goal` field.
        public var learners: [LearnerProfile]
    }

    public static let today = Day("2026-11-23")!

    let sizes: Sizes
    var random: SplitMix64

    struct ProviderInfo {
        var provider: Provider
        var type: Vocabulary.ProviderType
        var country: Vocabulary.Country
        var languages: [String]
        var fields: [Int]
        var priceFactor: Double
        var size: Double
        var serial = 0
    }

    struct Ladder {
        var provider: Int
        var field: Int
        var competencies: [String]
        var coreModules: [String]
        var research: String
        var dissertation: String
        var qualifications: [String] = []
    }

    var providers: [ProviderInfo] = []
    var credentials: [Credential] = []
    var qualifications: [Qualification] = []
    var ladders: [Ladder] = []
    /// Earlier credentials by provider and primary competency, for prerequisite chains.
    var chains: [String: [(id: String, eqf: Int)]] = [:]
    /// Recent credentials by primary competency and kind, for overlaps between providers.
    var similar: [String: [String]] = [:]
    /// Every credential of a provider, by field: positions in ``emitted``.
    var byProviderField: [String: [Int]] = [:]
    /// Every credential made so far, id and ECTS, in order: what qualifications made after the
    /// credentials need of them, when the credentials themselves have been written out.
    var emitted: [(id: String, ects: Double?)] = []

    public init(sizes: Sizes, seed: UInt64) {
        self.sizes = sizes
        self.random = SplitMix64(seed: seed)
    }

    public static func generate(_ sizes: Sizes, seed: UInt64) -> Output {
        var generator = CatalogueGenerator(sizes: sizes, seed: seed)
        return generator.run()
    }

    mutating func run() -> Output {
        makeProviders()
        let ladderCount = Sizes.ladders(sizes.qualifications)
        for _ in 0..<ladderCount { makeLadderCredentials() }
        while emitted.count < sizes.credentials { makeOpenCredential() }
        for index in ladders.indices { makeLadderQualifications(index) }
        for _ in 0..<(sizes.qualifications - 3 * ladderCount) { makeProfessionalCertificate() }
        let usedCurrencies = Set(providers.map(\.country.currency))
        let catalogue = Catalogue(
            baseCurrency: "EUR", exchangeRates: Vocabulary.exchangeRates.filter { usedCurrencies.contains($0.key) },
            providers: providers.map(\.provider), credentials: credentials, qualifications: qualifications)
        return Output(catalogue: catalogue, learners: makeLearners(catalogue))
    }

    /// What ``write(_:seed:to:)`` wrote.
    public struct Written: Sendable {
        public var providers: Int
        public var credentials: Int
        public var qualifications: Int
        /// Learner profiles, each aiming at the qualification in its `goal` field.
        public var learners: [LearnerProfile]
    }

    /// Writes the catalogue as compact JSON, piece by piece, to `write`: the same text as
    /// `CatalogueDocument.json(generate(sizes, seed: seed).catalogue).compactText`, but holding
    /// a thousand credentials at a time instead of all of them (a million credentials would
    /// take gigabytes as values).
    public static func write(_ sizes: Sizes, seed: UInt64, to write: (String) throws -> Void) throws -> Written {
        var generator = CatalogueGenerator(sizes: sizes, seed: seed)
        generator.makeProviders()
        // The document's keys in the writer's sorted order: baseCurrency, credentials, exchangeRates, format, providers, qualifications.
        try write("{\"baseCurrency\":\(JSON.string("EUR").compactText),\"credentials\":[")
        var written = 0
        func drain() throws {
            for credential in generator.credentials {
                try write((written == 0 ? "" : ",") + CatalogueDocument.json(credential).compactText)
                written += 1
            }
            generator.credentials.removeAll(keepingCapacity: true)
        }
        let ladderCount = Sizes.ladders(sizes.qualifications)
        for _ in 0..<ladderCount { generator.makeLadderCredentials() }
        try drain()
        while generator.emitted.count < sizes.credentials {
            generator.makeOpenCredential()
            if generator.credentials.count >= 1000 { try drain() }
        }
        try drain()
        for index in generator.ladders.indices { generator.makeLadderQualifications(index) }
        for _ in 0..<(sizes.qualifications - 3 * ladderCount) { generator.makeProfessionalCertificate() }
        let usedCurrencies = Set(generator.providers.map(\.country.currency))
        let rates = Vocabulary.exchangeRates.filter { usedCurrencies.contains($0.key) }
        try write("]")
        if !rates.isEmpty { try write(",\"exchangeRates\":" + JSON.object(rates.mapValues(JSON.number)).compactText) }
        try write(",\"format\":\(JSON.string(Catalogue.formatName).compactText),\"providers\":"
            + JSON.array(generator.providers.map { CatalogueDocument.json($0.provider) }).compactText)
        try write(",\"qualifications\":" + JSON.array(generator.qualifications.map(CatalogueDocument.json)).compactText + "}")
        let shell = Catalogue(baseCurrency: "EUR", exchangeRates: rates, providers: generator.providers.map(\.provider), credentials: [], qualifications: generator.qualifications)
        return Written(
            providers: generator.providers.count, credentials: written, qualifications: generator.qualifications.count,
            learners: generator.makeLearners(shell))
    }

    // MARK: Providers

    mutating func makeProviders() {
        let count = min(max(sizes.credentials / 200, 8), 1000)
        let types = Vocabulary.ProviderType.allCases
        var perLabel: [String: Int] = [:]
        for index in 0..<count {
            // The first five cover every type, so that even a small catalogue has ladders and platforms.
            let type = index < types.count ? types[index] : random.pick(types.map { ($0, $0.weight) })
            let country: Vocabulary.Country
            if type == .platform && random.chance(0.5) {
                country = Vocabulary.Country(code: "EU", language: "en", currency: "EUR", weight: 0)
            } else {
                country = random.pick(Vocabulary.countries.map { ($0, $0.weight) })
            }
            let label = "\(type.rawValue)-\(country.code.lowercased())"
            perLabel[label, default: 0] += 1
            let number = perLabel[label]!
            let id = "\(label)-\(number < 10 ? "0" : "")\(number)"
            var languages = [country.language]
            if country.language != "en" && random.chance(type == .platform ? 0.8 : 0.35) { languages.append("en") }
            let fieldCount = type == .platform ? random.int(in: 4...6) : random.int(in: 1...3)
            let fields = random.sample(Array(Vocabulary.fields.indices), fieldCount)
            let name = type == .platform ? "\(type.label) \(country.code)-\(number)" : "\(type.label) \(country.code)-\(number) (synthetic)"
            let provider = Provider(id: id, name: name, country: country.code, accredited: random.chance(type.accreditedShare))
            providers.append(ProviderInfo(
                provider: provider, type: type, country: country, languages: languages, fields: fields,
                priceFactor: random.double(in: 0.8...1.25), size: random.double(in: 0.3...2.5)))
        }
    }

    mutating func nextID(provider index: Int) -> String {
        providers[index].serial += 1
        let serial = String(providers[index].serial)
        return "\(providers[index].provider.id)-\(String(repeating: "0", count: max(0, 4 - serial.count)))\(serial)"
    }

    // MARK: Credentials

    mutating func fee(provider index: Int, ects: Double) -> Double {
        let info = providers[index]
        if info.type == .platform && random.chance(0.15) { return 0 }
        let perECTS = random.double(in: info.type.pricePerECTS) * info.priceFactor
        let euros = ects * perECTS
        let rate = info.country.currency == "EUR" ? 1 : Vocabulary.exchangeRates[info.country.currency]!
        // Round to a price a provider would print: 5 units, or 50 for weak currencies.
        let step = rate < 0.1 ? 50.0 : 5.0
        return max(step, ((euros / rate) / step).rounded() * step)
    }

    mutating func title(_ competency: String, eqf: Int) -> String {
        let words = Vocabulary.levelWords[eqf]!
        return "\(random.pick(words)) \(Vocabulary.topic(competency))\(random.pick(Vocabulary.titleEndings))"
    }

    mutating func makeCredential(
        provider index: Int, kind: CredentialKind, ects: Double?, eqf: Int, competencies: [String], mode: DeliveryMode? = nil
    ) -> Credential {
        let info = providers[index]
        let id = nextID(provider: index)
        let credits = ects ?? 0
        let hours: Double? = ects == nil ? Double(random.int(in: 4...40)) : (random.chance(0.45) ? (credits * random.double(in: 22...30)).rounded() : nil)
        var credential = Credential(
            id: id, title: title(competencies[0], eqf: eqf), provider: info.provider.id, kind: kind, ects: ects, hours: hours,
            eqf: eqf, cost: fee(provider: index, ects: max(credits, (hours ?? 0) / 25)),
            currency: info.country.currency == "EUR" ? nil : info.country.currency,
            weeks: max(1, Int((max(credits, 1) * random.double(in: 0.6...1.6)).rounded())),
            mode: mode ?? DeliveryMode(rawValue: random.pick(info.type.modes))!,
            languages: info.languages.count > 1 && random.chance(0.3) ? [random.pick(info.languages)] : info.languages,
            competencies: competencies)
        credential.invented = true
        return credential
    }

    mutating func makeLadderCredentials() {
        let eligible = providers.indices.filter { [.university, .appliedSciences].contains(providers[$0].type) }
        let provider = random.pick(eligible)
        let field = random.pick(providers[provider].fields)
        let competencies = Array(Vocabulary.fields[field].competencies.prefix(4))
        let theme = random.sample(competencies, 3)
        var core: [String] = []
        for position in 0..<2 {
            let credential = makeCredential(
                provider: provider, kind: .programme, ects: 10, eqf: 7, competencies: [theme[position], theme[2]],
                mode: random.chance(0.6) ? .online : .blended)
            add(credential)
            core.append(credential.id)
        }
        let research = makeCredential(
            provider: provider, kind: .programme, ects: 10, eqf: 7, competencies: ["research-methods", theme[0]],
            mode: random.chance(0.6) ? .online : .blended)
        add(research)
        var dissertation = makeCredential(
            provider: provider, kind: .programme, ects: 30, eqf: 7, competencies: [theme[0], "research-methods"],
            mode: .blended)
        dissertation.title = "Dissertation in \(Vocabulary.topic(theme[0]))"
        dissertation.prerequisites = .credential(research.id)
        add(dissertation)
        ladders.append(Ladder(provider: provider, field: field, competencies: theme, coreModules: core, research: research.id, dissertation: dissertation.id))
    }

    /// Picks providers in proportion to their size, by bisection over the running totals.
    mutating func weightedProvider(_ totals: [Double]) -> Int {
        let target = random.unit() * totals[totals.count - 1]
        var low = 0, high = totals.count - 1
        while low < high {
            let middle = (low + high) / 2
            if totals[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    var providerTotals: [Double] = []

    mutating func makeOpenCredential() {
        if providerTotals.isEmpty {
            var running = 0.0
            providerTotals = providers.map { running += $0.size; return running }
        }
        let provider = weightedProvider(providerTotals)
        let info = providers[provider]
        let field = random.chance(0.85) ? random.pick(info.fields) : random.below(Vocabulary.fields.count)
        let pool = Vocabulary.fields[field].competencies
        let primary = pool[random.skewed(pool.count)]
        var competencies = [primary]
        for _ in 0..<random.pick([(0, 45.0), (1, 40), (2, 15)]) {
            let other = random.chance(0.85) ? pool[random.skewed(pool.count)] : random.pick(Vocabulary.fields[random.below(Vocabulary.fields.count)].competencies)
            if !competencies.contains(other) { competencies.append(other) }
        }
        let kind = CredentialKind(rawValue: random.pick(info.type.kinds))!
        let ects: Double? = random.chance(0.02) ? nil : random.pick(Vocabulary.ects(kind: kind.rawValue))
        let eqf = random.pick(info.type.levels)
        var credential = makeCredential(provider: provider, kind: kind, ects: ects, eqf: eqf, competencies: competencies)
        // Some courses differ from their provider (an accredited course at a platform, say);
        // never a ladder's core, which its own non-accredited cap would then rule out.
        if random.chance(0.08) { credential.accredited = !info.provider.accredited }

        let chainKey = "\(info.provider.id)/\(primary)"
        if eqf >= 6, random.chance(0.12) {
            let earlier = (chains[chainKey] ?? []).filter { $0.eqf <= eqf && $0.eqf >= eqf - 1 }.suffix(20).map(\.id)
            if earlier.count >= 2 && random.chance(0.25) {
                credential.prerequisites = .anyOf(random.sample(earlier, 2).map(Prerequisite.credential))
            } else if let first = earlier.last {
                credential.prerequisites = .credential(first)
            }
        }
        let similarKey = "\(primary)/\(kind.rawValue)"
        if random.chance(0.04), let other = similar[similarKey]?.last(where: { !$0.hasPrefix(info.provider.id + "-") }) {
            credential.excludes = [other]
        }
        add(credential)
    }

    mutating func add(_ credential: Credential) {
        credentials.append(credential)
        emitted.append((credential.id, credential.ects))
        let primary = credential.competencies[0]
        chains["\(credential.provider)/\(primary)", default: []].append((credential.id, credential.eqf))
        var recent = similar["\(primary)/\(credential.kind.rawValue)", default: []]
        recent.append(credential.id)
        if recent.count > 8 { recent.removeFirst() }
        similar["\(primary)/\(credential.kind.rawValue)"] = recent
        if let field = Vocabulary.fields.firstIndex(where: { $0.competencies.contains(primary) }) {
            byProviderField["\(credential.provider)/\(field)", default: []].append(emitted.count - 1)
        }
    }

    // MARK: Qualifications

    static let nonAccreditedCap = CredentialFilter(accredited: false)

    mutating func makeLadderQualifications(_ index: Int) {
        let ladder = ladders[index]
        let info = providers[ladder.provider]
        let provider = info.provider.id
        let field = Vocabulary.fields[ladder.field]
        let theme = ladder.competencies
        let number = index + 1
        let stem = "\(provider)-\(field.slug)-\(number)"
        let rules = { (prior: Double) in QualificationRules(maxPriorECTS: prior, priorWithinYears: 5, sharedCounting: false) }

        // Electives: by competency and level; some ladders take credit only from the provider and
        // its partners in the same country, some only modules and programmes.
        var electives = CredentialFilter(competencies: theme, minEQF: 6)
        if random.chance(0.2) {
            let partners = providers.indices.filter {
                $0 != ladder.provider && providers[$0].country.code == info.country.code && providers[$0].type != .platform
            }
            electives.providers = [provider] + random.sample(partners, 2).map { providers[$0].provider.id }
        } else if random.chance(0.25) {
            electives.kinds = [.module, .programme]
        }
        let certificate = Qualification(
            id: "\(stem)-pgcert", title: "Postgraduate Certificate in \(field.name)", provider: provider, eqf: 7, ects: 30,
            rules: rules(15),
            requires: RequirementNode(.allOf([
                RequirementNode(.credential(ladder.coreModules[0]), label: "Core module 1"),
                RequirementNode(.credential(ladder.coreModules[1]), label: "Core module 2"),
                RequirementNode(.credits(10, electives), label: "Electives (10 ECTS, EQF 6+)"),
                RequirementNode(.maxCredits(5, Self.nonAccreditedCap), label: "At most 5 ECTS from non-accredited learning"),
            ]), label: "Two core modules plus electives"))

        let advanced = { (competencies: [String]) in CredentialFilter(competencies: competencies, minEQF: 7) }
        let options: RequirementNode
        switch random.pick([(0, 40.0), (1, 30), (2, 30)]) {
        case 0:
            options = RequirementNode(.credits(20, advanced(theme)), label: "Specialist credit (20 ECTS, EQF 7+)")
        case 1:
            options = RequirementNode(.atLeast(2, theme.map { competency in
                RequirementNode(.credits(10, advanced([competency])), label: "\(Vocabulary.topic(competency)) (10 ECTS)")
            }), label: "Two of three specialist strands")
        default:
            options = RequirementNode(.allOf([
                RequirementNode(.credits(10, advanced(theme)), label: "Specialist credit (10 ECTS, EQF 7+)"),
                RequirementNode(.credits(10, CredentialFilter(minEQF: 7, accredited: true)), label: "Accredited level 7 credit from any provider (10 ECTS)"),
            ]), label: "Specialist and open credit")
        }
        let diploma = Qualification(
            id: "\(stem)-pgdip", title: "Postgraduate Diploma in \(field.name)", provider: provider, eqf: 7, ects: 60,
            rules: rules(30),
            requires: RequirementNode(.allOf([
                RequirementNode(.qualification(certificate.id), label: "Certificate stage"),
                RequirementNode(.credential(ladder.research), label: "Research methods"),
                options,
                RequirementNode(.maxCredits(10, Self.nonAccreditedCap), label: "At most 10 ECTS from non-accredited learning"),
            ]), label: "Certificate plus diploma year"))
        let master = Qualification(
            id: "\(stem)-msc", title: "MSc in \(field.name)", provider: provider, eqf: 7, ects: 90, rules: rules(60),
            requires: RequirementNode(.allOf([
                RequirementNode(.qualification(diploma.id), label: "Diploma stage"),
                RequirementNode(.credential(ladder.dissertation), label: "Dissertation (30 ECTS)"),
            ]), label: "Diploma plus dissertation"))
        for var qualification in [certificate, diploma, master] {
            qualification.invented = true
            qualifications.append(qualification)
            ladders[index].qualifications.append(qualification.id)
        }
    }

    mutating func makeProfessionalCertificate() {
        // A provider with at least two credentials in one of its fields offers the core choice.
        var provider = 0, field = 0, pool: [Int] = []
        for _ in 0..<50 {
            provider = random.pick(providers.indices.filter { providers[$0].type != .platform })
            field = random.pick(providers[provider].fields)
            pool = byProviderField["\(providers[provider].provider.id)/\(field)"] ?? []
            if pool.count >= 2 { break }
        }
        // A tiny catalogue may have no such provider: any two courses then make the choice.
        if pool.count < 2 { pool = Array(emitted.indices) }
        let chosen = random.sample(pool, 2)
        let core = chosen.map { emitted[$0].id }
        let coreECTS = chosen.compactMap { emitted[$0].ects }.min() ?? 0
        let competencies = random.sample(Vocabulary.fields[field].competencies, 2)
        let electiveECTS: Double = random.pick([5, 10])
        let eqf = random.pick([(6, 50.0), (7, 50)])
        let number = qualifications.count + 1
        var qualification = Qualification(
            id: "\(providers[provider].provider.id)-profcert-\(number)",
            title: "Professional Certificate in \(Vocabulary.topic(competencies[0]))", provider: providers[provider].provider.id,
            eqf: eqf, ects: electiveECTS + coreECTS,
            rules: QualificationRules(maxPriorECTS: ((electiveECTS + coreECTS) / 2).rounded(), priorWithinYears: 5, sharedCounting: random.chance(0.2)),
            requires: RequirementNode(.allOf([
                RequirementNode(.anyOf(core.map { RequirementNode(.credential($0)) }), label: "Core unit"),
                RequirementNode(.credits(electiveECTS, CredentialFilter(competencies: competencies, minEQF: eqf - 1)), label: "Related electives"),
                RequirementNode(.maxCredits(2, Self.nonAccreditedCap), label: "At most 2 ECTS from non-accredited learning"),
            ]), label: "Core unit plus electives"))
        qualification.invented = true
        qualifications.append(qualification)
    }

    // MARK: Learners

    mutating func makeLearners(_ catalogue: Catalogue) -> [LearnerProfile] {
        guard !ladders.isEmpty else { return [] }
        var learners: [LearnerProfile] = []
        func profile(_ id: String, _ name: String, goal: String, held: [HeldCredential], constraints: LearnerConstraints) -> LearnerProfile {
            var learner = LearnerProfile(id: id, name: name, held: held, constraints: constraints, today: Self.today)
            learner.extra["goal"] = .string(goal)
            return learner
        }
        let first = ladders[0]
        let providerLanguages = providers.map(\.languages)
        let languages = { (ladder: Ladder) in Array(Set(providerLanguages[ladder.provider] + ["en"])).sorted() }
        // Holds the first ladder's certificate core and moves on to its diploma.
        learners.append(profile(
            "learner-1", "Continues to the diploma after two certificate modules", goal: first.qualifications[1],
            held: [.catalogue(first.coreModules[0], earned: Self.today.adding(days: -400)),
                   .catalogue(first.coreModules[1], earned: Self.today.adding(days: -200))],
            constraints: LearnerConstraints(budget: 12_000, languages: languages(first))))
        // Starts from nothing toward a master, learning online or blended only.
        let second = ladders[min(1, ladders.count - 1)]
        learners.append(profile(
            "learner-2", "Starts a master from scratch, online or blended", goal: second.qualifications[2],
            held: [], constraints: LearnerConstraints(modes: [.online, .blended], languages: languages(second))))
        // Brings prior learning from abroad toward a certificate, accredited courses only.
        let third = ladders[min(2, ladders.count - 1)]
        let external = ExternalCredential(
            title: "Short course in \(Vocabulary.topic(third.competencies[0])) (abroad)", ects: 5, eqf: 7,
            competencies: [third.competencies[0]], kind: .module, accredited: true)
        learners.append(profile(
            "learner-3", "Brings a course from abroad to a certificate, accredited only", goal: third.qualifications[0],
            held: [HeldCredential(.external(external), earned: Self.today.adding(days: -700))],
            constraints: LearnerConstraints(maxHours: 1200, languages: languages(third), accreditedOnly: true)))
        // Any language, any mode, a tight budget, toward a diploma.
        let fourth = ladders[min(3, ladders.count - 1)]
        learners.append(profile(
            "learner-4", "Works toward a diploma on a budget", goal: fourth.qualifications[1],
            held: [.catalogue(fourth.coreModules[0], earned: Self.today.adding(days: -100))],
            constraints: LearnerConstraints(budget: 9_000)))
        return learners
    }
}
