import StackPlanCore

/// Records that give one id to different achievements (seen in real CLRs): an achievement is
/// the same only when its id and its title agree, and the conflict is reported on both.
extension WalletParser {
    /// Whether an achievement with this id and title was already read from the record's credentials.
    func awards(titled title: String?, among indexes: [Int]) -> Bool {
        indexes.contains { index in
            guard let title, let awarded = found[index].title else { return true }
            return normalised(awarded) == normalised(title)
        }
    }

    /// Achievements after `start` that share an id but not a title keep their place; only the
    /// first keeps the id for catalogue matching, so that the others are not taken for it.
    func separateSharedIDs(from start: Int) {
        var firstByID: [String: Int] = [:]
        for index in found.indices.dropFirst(start) {
            guard let id = found[index].achievementID else { continue }
            guard let first = firstByID[id] else {
                firstByID[id] = index
                continue
            }
            let firstTitle = found[first].title ?? "(untitled)", title = found[index].title ?? "(untitled)"
            guard normalised(firstTitle) != normalised(title) else { continue }
            found[index].identifiers.removeAll { identifierKey($0) == identifierKey(id) }
            found[index].notes.append("shares the id \(id) with a different achievement, \"\(firstTitle)\" at \(found[first].path): kept as a separate achievement and not matched by that id")
            found[first].notes.append("its id \(id) is also given to \"\(title)\" at \(found[index].path), a different achievement")
        }
    }
}
