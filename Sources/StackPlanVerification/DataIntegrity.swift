import Crypto
import Foundation
import StackPlanCore

extension CredentialVerifier {
    /// The canonical N-Quads of a JSON-LD document (RDFC-1.0 over its expansion with the bundled contexts).
    static func canonicalNQuads(_ document: JSON, droppableTypes: Set<String> = []) throws -> String {
        var processor = JSONLDProcessor()
        processor.droppableTypes = droppableTypes
        let expanded = try processor.expand(document)
        if !processor.undefinedTerms.isEmpty {
            let terms = Array(Set(processor.undefinedTerms)).sorted().joined(separator: ", ")
            throw JSONLDProcessor.Unsupported(description: "the bundled contexts do not define \(terms)")
        }
        var writer = RDFWriter()
        try writer.write(expanded)
        return try RDFCanonicalizer.canonicalNQuads(writer.quads)
    }

    /// SHA-256 of the canonical proof configuration, then of the canonical document: the bytes
    /// Data Integrity suites over RDFC-1.0 sign (eddsa-rdfc-2022, Ed25519Signature2020 and 2018).
    static func signedHashes(document: JSON, proof: [String: JSON], removing field: String, sha384: Bool = false) throws -> [UInt8] {
        var fields = document.objectFields
        fields["proof"] = nil
        var configuration = proof
        configuration[field] = nil
        if configuration["@context"] == nil { configuration["@context"] = fields["@context"] }
        // The proof's own type may be undefined by the contexts it was signed under (legacy suites);
        // its signers' processors dropped it, and the verifier has checked it already.
        let ownType: Set<String> = if case .string(let type)? = proof["type"] { [type] } else { [] }
        let canonicalProof = Array(try canonicalNQuads(.object(configuration), droppableTypes: ownType).utf8)
        let canonicalDocument = Array(try canonicalNQuads(.object(fields)).utf8)
        if sha384 { return Array(SHA384.hash(data: canonicalProof)) + Array(SHA384.hash(data: canonicalDocument)) }
        return Array(SHA256.hash(data: canonicalProof)) + Array(SHA256.hash(data: canonicalDocument))
    }

    /// Data Integrity proofs (Ed25519Signature2020, eddsa-rdfc-2022, ecdsa-rdfc-2019 with P-256 or P-384),
    /// and the detached-JWS suites Ed25519Signature2018 (EdDSA) and EcdsaSecp256k1Signature2019 (ES256K).
    func checkDataIntegrity(document: JSON, proof: [String: JSON], into result: inout CredentialVerification) {
        let type = Self.text(proof["type"]) ?? ""
        let suite = Self.text(proof["cryptosuite"])
        /// The JOSE algorithm of a detached-JWS suite; `nil` for suites that sign with `proofValue`.
        let jwsAlgorithm: String?
        switch (type, suite) {
        case ("DataIntegrityProof", "eddsa-rdfc-2022"?), ("DataIntegrityProof", "ecdsa-rdfc-2019"?), ("Ed25519Signature2020", _): jwsAlgorithm = nil
        case ("Ed25519Signature2018", _): jwsAlgorithm = "EdDSA"
        case ("EcdsaSecp256k1Signature2019", _): jwsAlgorithm = "ES256K"
        default:
            result.problems.append(.unsupportedProof(result.method ?? type))
            return
        }
        guard let method = Self.text(proof["verificationMethod"]) else {
            result.problems.append(.malformedProof(path: "$.proof.verificationMethod", reason: "is required"))
            return
        }
        let resolver = KeyResolver(trustList: trustList)
        let keys: [VerificationKey]
        switch resolver.resolve(keyID: method, issuer: result.issuer) {
        case .keys(let found): keys = found
        case .unusable(let problem):
            // Without a key nothing can be checked, whatever the proof holds: say so first.
            result.problems.append(problem)
            return
        }
        let signature: [UInt8]
        let field: String
        var header = ""
        if let jwsAlgorithm {
            field = "jws"
            let parts = (Self.text(proof["jws"]) ?? "").split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1].isEmpty, let headerBytes = Encodings.base64URLDecode(parts[0]),
                  case .object(let fields)? = try? JSON.parse(Data(headerBytes)),
                  fields["b64"] == .bool(false), Self.text(fields["alg"]) == jwsAlgorithm,
                  let bytes = Encodings.base64URLDecode(parts[2]) else {
                result.problems.append(.malformedProof(path: "$.proof.jws", reason: "must be a detached \(jwsAlgorithm) JWS with \"b64\": false"))
                return
            }
            header = String(parts[0])
            signature = bytes
        } else {
            field = "proofValue"
            guard let value = Self.text(proof["proofValue"]), value.hasPrefix("z"), let bytes = Encodings.multibaseDecode(value) else {
                result.problems.append(.malformedProof(path: "$.proof.proofValue", reason: "must be a base58btc multibase signature (z…)"))
                return
            }
            signature = bytes
        }
        // ecdsa-rdfc-2019 hashes with the curve's own hash: SHA-384 for P-384 keys.
        let ecdsa = suite == "ecdsa-rdfc-2019"
        let p384 = keys.contains { if case .p384 = $0.material { true } else { false } }
        let algorithm = jwsAlgorithm ?? (!ecdsa ? "Ed25519" : p384 ? "ES384" : "ES256")
        let hashes: [UInt8]
        do {
            hashes = try Self.signedHashes(document: document, proof: proof, removing: field, sha384: ecdsa && p384)
        } catch let unsupported as JSONLDProcessor.Unsupported {
            result.problems.append(.unsupportedProof("\(result.method ?? type): \(unsupported.description)"))
            return
        } catch {
            result.problems.append(.unsupportedProof("\(result.method ?? type): the document cannot be canonicalized (\(error))"))
            return
        }
        let message = jwsAlgorithm != nil ? Array((header + ".").utf8) + hashes : hashes
        guard let key = keys.first(where: { $0.verifies(signature: signature, message: message, algorithm: algorithm) }) else {
            result.problems.append(.signatureMismatch(method: result.method ?? type, key: method))
            return
        }
        result.signatureChecked = true
        result.key = key.id
        if !resolver.isTied(key, to: result.issuer) {
            result.problems.append(.keyNotTiedToIssuer(key: key.id, issuer: result.issuer))
        }
    }
}
