/// An advisor's exception to a qualification's rules, as degree-audit systems record them:
/// a requirement waived, one credential accepted in place of another, or a held credential
/// applied to a requirement by hand.
public struct AdvisorException: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// The node at this path (and everything below it) counts as met; it gives no credits.
        case waive(path: String)
        /// Wherever a credential leaf asks for `old`, the item `new` (a catalogue id or `held[N]`) is accepted too.
        case substitute(old: String, new: String)
        /// The held item (`held[N]` or the id of a held catalogue credential) counts toward the leaf
        /// at `path`, whatever the leaf's filter says and however old the item is.
        case apply(item: String, path: String)
    }

    public var rule: Rule
    /// The qualification the exception belongs to; profile exceptions must name one.
    public var qualification: String?
    /// The advisor's reason, shown wherever the exception is used.
    public var note: String?
    /// Where it was given: a command-line flag such as `--waive`, or a JSON path such as `$.exceptions[0]`.
    public var origin: String
    public var extra: [String: JSON] = [:]

    public init(_ rule: Rule, qualification: String? = nil, note: String? = nil, origin: String) {
        self.rule = rule
        self.qualification = qualification
        self.note = note
        self.origin = origin
    }

    /// The exception in words, as plans and explanations print it.
    public var summary: String {
        switch rule {
        case .waive(let path): "\(path) waived"
        case .substitute(let old, let new): "\(new) accepted in place of \(old)"
        case .apply(let item, let path): "\(item) applied by hand to \(path)"
        }
    }
}
