import Foundation

/// Reading and writing places: `"online"`, or `{"country": "IE", "city": "Cork"}` (the city
/// optional), on credentials and offerings; learner profiles list localities (no `"online"`).
extension CatalogueDocument {
    static let localityFields: Set<String> = ["country", "city"]

    /// The place at `key`, or `nil` when absent or unreadable (reported).
    static func readPlace(_ reader: ObjectReader, _ key: String) -> Place? {
        guard let value = reader.fields[key], value != .null else { return nil }
        switch value {
        case .string("online"): return .online
        case .object: return readLocality(value, path: reader.at(key), record: reader.record, log: reader.log).map(Place.at)
        case .string(let text):
            reader.log.error(reader.at(key), "must be \"online\" or {\"country\": CODE, \"city\": NAME}, found \(text.quotedForMessage)", record: reader.record)
        default:
            reader.log.error(reader.at(key), "must be \"online\" or {\"country\": CODE, \"city\": NAME}, found \(value.typeName)", record: reader.record)
        }
        return nil
    }

    /// `{"country": CODE, "city": NAME}`, the city optional.
    static func readLocality(_ value: JSON, path: String, record: String?, log: IssueLog) -> Locality? {
        guard let reader = ObjectReader(value, path: path, record: record, log: log) else { return nil }
        for key in reader.fields.keys.sorted() where !localityFields.contains(key) {
            log.error(reader.at(key), "is not a field of a place (use country and city)", record: record)
        }
        let country = reader.string("country", required: true)
        if let country, !country.isCountryCode {
            log.error(reader.at("country"), "must be a two-letter country code such as IE, found \(country.quotedForMessage)", record: record)
            return nil
        }
        let city = reader.string("city")
        if let city, !isCityName(city) {
            log.error(reader.at("city"), "must be a city's name of \(InputLimits.cityLength.lowerBound)–\(InputLimits.cityLength.upperBound) characters without control characters, found \(city.quotedForMessage)", record: record)
            return nil
        }
        return country.map { Locality(country: $0, city: city) }
    }

    static func isCityName(_ text: String) -> Bool {
        InputLimits.cityLength.contains(text.count) && !text.isBlank
            && !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    public static func json(_ place: Place) -> JSON {
        switch place {
        case .online: .string("online")
        case .at(let locality): json(locality)
        }
    }

    public static func json(_ locality: Locality) -> JSON {
        var fields: [String: JSON] = ["country": .string(locality.country)]
        fields["city"] = locality.city.map(JSON.string)
        return .object(fields)
    }
}

extension CatalogueDocument {
    /// A place in the short text form spreadsheets use: `online`, `IE` or `IE/Cork`.
    public static func text(_ place: Place) -> String {
        switch place {
        case .online: "online"
        case .at(let locality): locality.city.map { "\(locality.country)/\($0)" } ?? locality.country
        }
    }

    /// The JSON value of a place written in the short text form, for the reader to check as it
    /// checks any place (an unknown country code is reported there, with the cell's position).
    public static func placeJSON(text: String) -> JSON {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text == "online" { return .string("online") }
        guard let slash = text.firstIndex(of: "/") else { return .object(["country": .string(text)]) }
        return .object([
            "country": .string(text[..<slash].trimmingCharacters(in: .whitespaces)),
            "city": .string(text[text.index(after: slash)...].trimmingCharacters(in: .whitespaces)),
        ])
    }
}
