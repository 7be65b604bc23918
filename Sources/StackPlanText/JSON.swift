import Foundation

/// A parsed JSON value, kept whole so that readers can report every problem with its path
/// instead of stopping at the first, and so that unknown fields survive a round trip.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Every number, as a 64-bit floating-point value (always finite when read).
    case number(Double)
    case string(String)
    case array([JSON])
    /// Members by name; a name appears once (the reader refuses repeats).
    case object([String: JSON])

    /// Reads a JSON document (``JSONReader/parse(_:)-(Data)``); a refusal says what is wrong and
    /// at which line and column.
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSON {
        try JSONReader.parse(data)
    }

    /// Serialises with sorted keys through `JSONEncoder`; ``compactText`` and ``prettyData()``
    /// give the same layout faster.
    public func serialized(pretty: Bool = true) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// The fields of an object; empty for any other value.
    public var objectFields: [String: JSON] {
        if case .object(let fields) = self { return fields }
        return [:]
    }

    /// What kind of value this is, for messages: "a number", "an object".
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// So that documents can carry free-form JSON inside `Codable` types.
extension JSON: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers print without a fraction, as people write them in catalogues.
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
