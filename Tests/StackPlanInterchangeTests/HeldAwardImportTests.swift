import Foundation
import StackPlanCore
import Testing
@testable import StackPlanInterchange

/// Issue 12, item 3: a wallet's prior degree is imported whole, as the profile format now accepts it.
@Suite struct HeldAwardImportTests {
    func wallet(ects: Double?, hours: Double? = nil) -> WalletCredential {
        var credential = WalletCredential(file: "degree.json", format: .europass, path: "$")
        credential.title = "BSc (Hons) Nursing"
        credential.eqf = 6
        credential.ects = ects
        credential.hours = hours
        return credential
    }

    @Test func aDegreeOf240ECTSIsNotPending() {
        #expect(LearnerImport.missing(wallet(ects: 240)).isEmpty)
        #expect(LearnerImport.missing(wallet(ects: 361)) == ["ECTS within 0–360 (it states 361)"])
        #expect(LearnerImport.missing(wallet(ects: nil, hours: 1e308)).first?.hasPrefix("learning hours more than 0 and at most 20000") == true)
    }
}
