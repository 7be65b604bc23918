import StackPlanCore

/// The Dutch Edubadges extension of Open Badges 3.0 (SURF): an achievement states `ECTS`, and
/// its study load in hours as `SBU` (studiebelastingsuren), `studyLoad` or `timeInvestment`.
/// Unlike `creditsAvailable`, `ECTS` names its unit, so it counts as ECTS.
extension WalletParser {
    func readEdubadgesExtension(_ achievement: Located, into credential: inout WalletCredential) {
        if let node = achievement["ECTS"], let value = amount(node, what: "ECTS") {
            if let ects = credential.ects, ects != value {
                credential.notes.append("the Edubadges ECTS \(formatted(value)) at \(node.path) differs from \(formatted(ects)) read from the credits; \(formatted(ects)) is used")
            } else if credential.ects == nil {
                credential.ects = value
                credential.notes.append("ECTS read from the Edubadges extension at \(node.path)")
            }
        }
        for key in ["SBU", "studyLoad", "timeInvestment"] {
            guard credential.hours == nil, let node = achievement[key], let hours = amount(node, what: "study load in hours") else { continue }
            if hours > 0 {
                credential.hours = hours
                credential.notes.append("learning hours read from the Edubadges study load at \(node.path)")
            }
        }
    }
}
