import GRDB
import HeapModule
import StackPlanCore

/// Reading one leaf of a cut in the order of the compared measure, so that the reading stops
/// where the cut would cut everything after (docs/formulation.md §5.3).
///
/// The rows a leaf's query gives (accepted by that leaf, by no earlier one, open to the learner)
/// fall in groups by signature (the leaves accepting them and the caps they pass) and ECTS; a
/// row with at least D sure dominators before it in its group, in (measure, id) order, is cut.
/// ``CandidateCut/possibleSignatures(firstAcceptedBy:limit:)`` says which signatures the leaf's
/// rows can have. For each ECTS level this reads the leaf's rows in (measure, id) order, merged
/// from one index range per EQF level (and competency, for a leaf with competencies, through
/// the side table's copy of the ordering columns), ordered by the stored fee in the base
/// currency (fee) or in one range each for stated and unstated hours (hours), judges each row
/// as the window of the whole-leaf query would, and stops once every possible signature has its
/// D sure dominators: every row after is cut. So what is read depends on the tree's thresholds
/// and on how the catalogue's credentials mix, not on how many there are.
struct MeasureOrder {
    static let feeIndex = "credentialOrderByFee"
    static let hoursIndex = "credentialOrderByHours"
    static let competencyFeeIndex = "competencyOrderByFee"
    static let competencyHoursIndex = "competencyOrderByHours"

    /// A condition of SQL with its arguments.
    typealias Condition = (sql: String, arguments: StatementArguments)

    let cut: CandidateCut
    /// The selected columns for each leaf's rows: id, measured, leaves, caps, dominates, named,
    /// in that order.
    let columns: [Condition]
    /// What the learner may take, the mode and languages tested on the credential's index entry.
    let learner: Condition
    /// The same, for rows read through the competency side table: the mode and languages are
    /// tested on the side-table row's copies, before the credential's row is looked up.
    let learnerThroughSideTable: Condition

    /// Whether the store holds the indexes this reading needs (migrations v10 and v11; a store
    /// opened to read only may not have been through them).
    static func available(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN (?, ?, ?, ?)",
                         arguments: [feeIndex, hoursIndex, competencyFeeIndex, competencyHoursIndex]) == 4
    }

    /// Where one ordered range of rows comes from: the credential table through its measure
    /// index, or (for a leaf with competencies) one competency's side-table rows through theirs.
    struct Source {
        /// `FROM …` with the table whose index orders the rows first.
        var from: String
        /// The ordering table's alias (`c` or `k`) and index.
        var alias: String
        var index: String
        /// The leading equality beside EQF and ECTS (a competency), if any.
        var competency: String?
    }

    /// The rows the cut keeps of the leaf at `position` and how many were read, or `nil` when
    /// this leaf is better read whole: its signatures are not known in advance, or a row showed
    /// a signature thought impossible.
    func keptRows(ofLeaf position: Int, judge: inout CutRowJudge, _ db: Database) throws -> (kept: [String], examined: Int)? {
        guard let measure = cut.measure, !cut.comparesRuns,
              let signatures = cut.possibleSignatures(firstAcceptedBy: position) else { return nil }
        let filter = cut.leaves[position].filter

        // A leaf with competencies is read from their side-table rows, a credential once per
        // competency it has there (the merge skips the repeats); its own condition then needs
        // no competency test.
        var rest = filter
        let sources: [Source]
        let competencyIndex = measure == .cost ? Self.competencyFeeIndex : Self.competencyHoursIndex
        let credentialIndex = measure == .cost ? Self.feeIndex : Self.hoursIndex
        if let competencies = filter.competencies {
            rest.competencies = nil
            // The credential's row is found in its measure index by the side-table row's copy
            // of the index's leading columns: one step into a covering index, where a step
            // through the id's index to the table would read a page of documents per row.
            let measured = measure == .cost ? "fee" : "hours"
            sources = StoredText.lookupable(Set(competencies)).sorted().map { competency in
                Source(from: """
                    credentialCompetency k INDEXED BY \(competencyIndex) CROSS JOIN credential c INDEXED BY \(credentialIndex)
                        ON c.eqf = k.eqf AND c.ects = k.ects AND c.\(measured) IS k.\(measured) AND c.id = k.credentialId
                    """, alias: "k", index: competencyIndex, competency: competency)
            }
        } else {
            sources = [Source(from: "credential c INDEXED BY \(credentialIndex)", alias: "c", index: credentialIndex, competency: nil)]
        }
        // What a source's rows must pass: the leaf's own condition, without `ects > 0` and its EQF
        // bounds (each range has one ECTS level above 0 and one EQF level within them: with those
        // tests SQLite takes ECTS or EQF as a range of the index and sorts what it finds), and no
        // earlier leaf's. Read through a competency's side-table rows, whatever these test of
        // kind, EQF and ECTS is tested on the side-table row, and an earlier leaf of the same
        // competency asks only the rest: a row it takes is passed over without its credential
        // being looked up.
        rest.minEQF = nil
        rest.maxEQF = nil
        let tests = sources.map { source in
            (own: CatalogueStore.acceptingCondition(rest, needingCredits: false, testedPerRow: true, sideTableRowOf: source.competency),
             earlier: cut.leaves[..<position].map { leaf in
                 CatalogueStore.acceptingCondition(leaf.filter, needingCredits: leaf.needsCredits, testedPerRow: true, sideTableRowOf: source.competency)
             })
        }

        /// One ordered range within an ECTS level: a condition on the ordering table and its order.
        func ranges(_ alias: String) -> [(condition: Condition, order: String)] {
            let id = alias == "c" ? "c.id" : "k.credentialId"
            switch measure {
            case .cost:
                return [(condition: ("1", []), order: "\(alias).fee, \(id)")]
            case .hours:
                return [(condition: ("\(alias).hours IS NULL", []), order: id),
                        (condition: ("\(alias).hours IS NOT NULL", []), order: "\(alias).hours, \(id)")]
            }
        }
        func sql(_ number: Int, _ range: (condition: Condition, order: String)) -> String {
            let source = sources[number]
            var sql = "SELECT \(columns[position].sql) FROM \(source.from) LEFT JOIN provider p ON p.id = c.providerId WHERE "
            if source.competency != nil { sql += "k.competency = ? AND " }
            sql += "\(source.alias).eqf = ? AND \(source.alias).ects = ? AND \(range.condition.sql) AND \(tests[number].own.0)"
            for earlier in tests[number].earlier { sql += " AND NOT COALESCE(\(earlier.0), 0)" }
            return sql + " AND \(source.competency == nil ? learner.sql : learnerThroughSideTable.sql) ORDER BY \(range.order)"
        }
        func arguments(_ number: Int, eqf: Int, ects: Double, _ range: (condition: Condition, order: String)) -> StatementArguments {
            let source = sources[number]
            var arguments = columns[position].arguments
            if let competency = source.competency { arguments += [competency] }
            arguments += [eqf, ects]
            arguments += range.condition.arguments
            arguments += tests[number].own.1
            for earlier in tests[number].earlier { arguments += earlier.1 }
            arguments += source.competency == nil ? learner.arguments : learnerThroughSideTable.arguments
            return arguments
        }

        // The ECTS levels of each source at each EQF level the leaf allows, one index step each.
        var levels: [Double: [(source: Int, eqf: Int)]] = [:]
        for (number, source) in sources.enumerated() {
            let table = source.alias == "c" ? "credential" : "credentialCompetency"
            let competency = source.competency == nil ? "" : "competency = ? AND "
            // EQF levels are 1 to 8; bounds outside them, or crossed, leave no level to read.
            let lowest = max(1, filter.minEQF ?? 1), highest = min(8, filter.maxEQF ?? 8)
            guard lowest <= highest else { break }
            for eqf in lowest...highest {
                var above = 0.0
                while true {
                    var arguments: StatementArguments = source.competency.map { [$0] } ?? []
                    arguments += [eqf, above]
                    guard let ects = try Double.fetchOne(
                        db, sql: "SELECT MIN(ects) FROM \(table) INDEXED BY \(source.index) WHERE \(competency)eqf = ? AND ects > ?",
                        arguments: arguments) else { break }
                    levels[ects, default: []].append((number, eqf))
                    above = ects
                }
            }
        }

        // One statement per source, EQF level and range: an ECTS level reads them all at once.
        var statements: [String: Statement] = [:]
        func statement(source: Int, eqf: Int, range: Int) throws -> Statement {
            let key = "\(source) \(eqf) \(range)"
            if let known = statements[key] { return known }
            let made = try db.makeStatement(sql: sql(source, ranges(sources[source].alias)[range]))
            statements[key] = made
            return made
        }

        var kept: [String] = []
        var examined = 0
        for ects in levels.keys.sorted() {
            var needed: [CandidateCut.Signature: Double] = [:]
            for signature in signatures { needed[signature] = cut.dominatorsNeeded(leaves: signature.leafPositions, ects: ects) }
            var waiting = Set(signatures.filter { needed[$0]! > 0 })
            guard !waiting.isEmpty else { continue }
            // Each range enters the merge as a lower bound, its first index entry's measure
            // (one step into the index, no condition tested), and is opened only when that bound
            // comes first: ranges of dearer or longer credentials are never opened when the
            // cheaper ones give every signature its dominators first. The first row a range
            // gives is at or above its bound; its conditions may pass over many rows to find it.
            // Each range read at this level: where it comes from, and its rows once opened.
            var streams: [(source: Int, eqf: Int, range: Int, cursor: RowCursor?)] = []
            var heads = Heap<Head>()
            for (source, eqf) in levels[ects]! {
                let sourceRanges = ranges(sources[source].alias)
                for range in sourceRanges.indices {
                    guard let floor = try lowestMeasure(sources[source], eqf: eqf, ects: ects, sourceRanges[range], measure, db) else { continue }
                    streams.append((source, eqf, range, nil))
                    heads.insert(Head(pending: streams.count - 1, measured: floor))
                }
            }
            var dominators: [CandidateCut.Signature: Int] = [:]
            var last: String?
            while !waiting.isEmpty, let head = heads.popMin() {
                if head.pending {
                    let (source, eqf, range, _) = streams[head.stream]
                    let cursor = try Row.fetchCursor(
                        try statement(source: source, eqf: eqf, range: range),
                        arguments: arguments(source, eqf: eqf, ects: ects, ranges(sources[source].alias)[range]))
                    streams[head.stream].cursor = cursor
                    if let row = try cursor.next() {
                        let first = try Head(row, stream: head.stream)
                        // Below its range's first entry: the copies in the side table are out of step.
                        guard first.measured >= head.measured else { return nil }
                        heads.insert(first)
                    }
                    continue
                }
                if let row = try streams[head.stream].cursor?.next() {
                    let next = try Head(row, stream: head.stream)
                    // A range must come in (measure, id) order, as its index orders it. Stored
                    // fees follow every change of the rates (refreshFees); should one still be out
                    // of step among the rows read, the leaf is read whole.
                    guard head < next else { return nil }
                    heads.insert(next)
                }
                // The same credential from a second competency comes right after the first.
                guard head.id != last else { continue }
                last = head.id
                examined += 1
                let signature = CandidateCut.Signature(leaves: head.leaves, caps: head.caps)
                guard let need = needed[signature] else { return nil }
                let before = dominators[signature, default: 0]
                if head.named || judge.keeps(leaves: head.leaves, ects: ects, dominatorsBefore: before) { kept.append(head.id) }
                if head.dominates {
                    dominators[signature] = before + 1
                    if Double(before + 1) >= need { waiting.remove(signature) }
                }
            }
        }
        return (kept, examined)
    }

    /// The measure of the first entry of one range in its index, with none of the range's other
    /// conditions tested (one step into the index): no row the range gives is below it. `nil`
    /// when the range holds no entry with a measure.
    func lowestMeasure(
        _ source: Source, eqf: Int, ects: Double, _ range: (condition: Condition, order: String), _ measure: CandidateCut.Measure,
        _ db: Database
    ) throws -> Double? {
        let table = source.alias == "c" ? "credential c" : "credentialCompetency k"
        let alias = source.alias
        var arguments = StatementArguments()
        // A fee is NULL in a currency without a rate (no such row passes the learner's test);
        // hours are stated, or reckoned from the ECTS of the range.
        let measured: String, known: String
        switch measure {
        case .cost:
            measured = "\(alias).fee"
            known = "\(alias).fee IS NOT NULL"
        case .hours:
            measured = Self.hours(of: alias)
            known = "1"
            arguments += [cut.hoursPerECTS]
        }
        var sql = "SELECT \(measured) FROM \(table) INDEXED BY \(source.index) WHERE "
        if let competency = source.competency {
            sql += "\(alias).competency = ? AND "
            arguments += [competency]
        }
        sql += "\(alias).eqf = ? AND \(alias).ects = ? AND \(range.condition.sql) AND \(known) ORDER BY \(range.order) LIMIT 1"
        arguments += [eqf, ects]
        arguments += range.condition.arguments
        return try Double.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// The fee in the base currency of a row of `table` (`c` in the cut's queries), as SQL
    /// reckons it from the stored fee, currency and rates: the one expression both the cut's
    /// measure and the stored `fee` come from. `NULL` in a currency without a rate.
    static func feeInBase(of table: String, _ settings: Catalogue) -> (sql: String, arguments: StatementArguments) {
        var arguments: StatementArguments = [settings.baseCurrency, settings.baseCurrency, 1.0]
        var cases = " WHEN ? THEN ?"
        for (code, rate) in settings.exchangeRates.sorted(by: { $0.key < $1.key }) where code != settings.baseCurrency {
            cases += " WHEN ? THEN ?"
            arguments += [code, rate]
        }
        return ("\(table).cost * (CASE COALESCE(\(table).currency, ?)\(cases) END)", arguments)
    }

    /// A credential's languages as its `languages` column and its side-table rows hold them
    /// (migration v11): each code between spaces, " de en ", so that a test finds one in the
    /// index entry instead of looking the credential up in the language side table. Codes are
    /// two letters (the validator's rule): none holds a space. `nil` for none.
    static func searchableLanguages(_ languages: [String]) -> String? {
        languages.isEmpty ? nil : " " + languages.joined(separator: " ") + " "
    }

    /// The SQL test that the `languages` column of `table` holds one of `languages`, as
    /// `Eligibility` compares them (exactly): a value that is not a language code matches no
    /// stored credential, and is left out.
    static func teachesOneOf(_ languages: [String], table: String) -> Condition {
        let codes = Set(languages.filter(\.isLanguageCode)).sorted()
        guard !codes.isEmpty else { return ("0", []) }
        return ("(" + codes.map { _ in "instr(\(table).languages, ?) > 0" }.joined(separator: " OR ") + ")",
                StatementArguments(codes.map { " \($0) " }))
    }

    /// The learning hours of a row of `table`: stated, else its ECTS times the hours per ECTS,
    /// the one argument this SQL takes.
    static func hours(of table: String) -> String {
        "COALESCE(\(table).hours, \(table).ects * ?)"
    }

    /// A credential's fee in the base currency, the same double product as ``feeInBase(of:_:)``:
    /// `nil` in a currency without a rate.
    static func fee(of credential: Credential, in settings: Catalogue) -> Double? {
        settings.rateToBase(credential.currency).map { credential.cost * $0 }
    }

    /// Every stored fee reckoned again from the stored base currency and rates: after either
    /// changed, and when migration v10 adds the column.
    static func refreshFees(_ db: Database) throws {
        let fee = feeInBase(of: "credential", try CatalogueStore.catalogue(db))
        try db.execute(sql: "UPDATE credential SET fee = \(fee.sql)", arguments: fee.arguments)
        try db.execute(sql: "UPDATE credentialCompetency SET fee = (SELECT c.fee FROM credential c WHERE c.id = credentialCompetency.credentialId)")
    }

    /// The next row of one range, ordered as the whole-leaf query's window orders a group:
    /// by measure, then by id as SQLite compares text (byte by byte).
    struct Head: Comparable {
        var measured: Double
        var id: String
        var leaves: Int64
        var caps: Int64
        var dominates: Bool
        var named: Bool
        var stream: Int

        /// A range not yet opened, entered at the lowest measure it can give.
        var pending = false

        init(pending stream: Int, measured: Double) {
            self.measured = measured
            id = ""
            leaves = 0
            caps = 0
            dominates = false
            named = false
            pending = true
            self.stream = stream
        }

        init(_ row: Row, stream: Int) throws {
            id = try row.decode(atIndex: 0)
            measured = try row.decode(atIndex: 1)
            leaves = try row.decode(atIndex: 2)
            caps = try row.decode(atIndex: 3)
            dominates = try row.decode(atIndex: 4)
            named = try row.decode(atIndex: 5)
            self.stream = stream
        }

        static func < (lhs: Head, rhs: Head) -> Bool {
            if lhs.measured != rhs.measured { return lhs.measured < rhs.measured }
            return lhs.id.utf8.lexicographicallyPrecedes(rhs.id.utf8)
        }

        static func == (lhs: Head, rhs: Head) -> Bool { lhs.measured == rhs.measured && lhs.id == rhs.id }
    }
}
