import Foundation
import StackPlanCore
@testable import StackPlanInterchange

enum Support {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = testsFolder.deletingLastPathComponent().deletingLastPathComponent()

    static func sample(_ name: String) throws -> Data {
        try Data(contentsOf: testsFolder.appendingPathComponent("Samples/\(name)"))
    }

    static func readSample(_ name: String) throws -> [WalletCredential] {
        try WalletReader.read(try sample(name), file: name)
    }

    static func bundledCatalogue() throws -> Catalogue {
        try CatalogueDocument.read(try Data(contentsOf: repository.appendingPathComponent("data/catalogue.json")))
    }

    static func bundledLearner(_ name: String) throws -> LearnerProfile {
        try LearnerDocument.read(try Data(contentsOf: repository.appendingPathComponent("data/learners/\(name).json")))
    }

    static func read(_ json: String, file: String = "test.json") throws -> [WalletCredential] {
        try WalletReader.read(Data(json.utf8), file: file)
    }

    /// The issues a document is rejected with, or `nil` when it is read.
    static func rejection(_ text: String) -> [ValidationIssue]? {
        do {
            _ = try WalletReader.read(Data(text.utf8), file: "bad.json")
            return nil
        } catch let invalid as InvalidDocument {
            return invalid.issues
        } catch {
            return [ValidationIssue(path: "?", message: "unexpected \(error)")]
        }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A compact JWS around `payload`, with a signature that is never checked.
    static func jwt(_ payload: Data) -> String {
        base64URL(Data(#"{"alg":"EdDSA","typ":"JWT"}"#.utf8)) + "." + base64URL(payload) + "." + base64URL(Data("signature".utf8))
    }

    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("stackplan-interchange-\(UUID())\(suffix)").path
    }
}
