import Foundation
import StackPlanCore

extension CredentialVerifier {
    /// Data Integrity proofs (Ed25519Signature2020, eddsa-rdfc-2022, Ed25519Signature2018).
    func checkDataIntegrity(document: JSON, proof: [String: JSON], into result: inout CredentialVerification) {
        result.problems.append(.unsupportedProof("\(result.method ?? "?") (Data Integrity proofs are not checked yet)"))
    }
}
