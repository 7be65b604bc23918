import Foundation
import StackPlanCore

extension CredentialVerifier {
    /// A credential as a JSON(-LD) document, secured (or not) by an embedded `proof`.
    public func verify(document: JSON) -> CredentialVerification {
        var result = CredentialVerification()
        result.issuer = Self.issuerID(document)
        checkValidity(document, into: &result)
        checkStatus(document, into: &result)
        guard let proofValue = document.objectFields["proof"] else {
            result.problems.append(.noProof)
            return result
        }
        let proofs: [JSON] = if case .array(let list) = proofValue { list } else { [proofValue] }
        guard let proof = proofs.first, case .object(let fields) = proof else {
            result.problems.append(.malformedProof(path: "$.proof", reason: "must be a proof object"))
            return result
        }
        let type = Self.text(fields["type"]) ?? "(no type)"
        let suite = Self.text(fields["cryptosuite"])
        result.method = suite.map { "\(type) \($0)" } ?? type
        result.key = Self.text(fields["verificationMethod"])
        checkDataIntegrity(document: document, proof: fields, into: &result)
        if result.signatureChecked {
            vouch(for: result.issuer, into: &result)
        }
        return result
    }
}
