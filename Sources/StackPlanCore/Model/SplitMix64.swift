/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed generator whose every draw is
/// defined here, so that a seed gives the same catalogue, records or test cases on every machine
/// and Swift version.
/// (The standard library's `random(in:using:)` does not promise a stable algorithm.)
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `0..<count`, without modulo bias (Lemire's multiply-and-reject).
    public mutating func below(_ count: Int) -> Int {
        precondition(count > 0)
        let bound = UInt64(count)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    public mutating func double(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    public mutating func pick<T>(_ elements: [T]) -> T { elements[below(elements.count)] }

    /// An element drawn with the given relative weights.
    public mutating func pick<T>(_ weighted: [(T, Double)]) -> T {
        let total = weighted.reduce(0) { $0 + $1.1 }
        var target = unit() * total
        for (element, weight) in weighted {
            if target < weight { return element }
            target -= weight
        }
        return weighted[weighted.count - 1].0
    }

    /// `count` distinct elements, in the order drawn.
    public mutating func sample<T>(_ elements: [T], _ count: Int) -> [T] {
        var pool = elements
        var chosen: [T] = []
        for _ in 0..<min(count, pool.count) { chosen.append(pool.remove(at: below(pool.count))) }
        return chosen
    }

    /// An index in `0..<count` favouring small ones, with weight 1/(k+1) (Zipf's law): a few
    /// competencies are common, most are niche, as in real catalogues. Plain arithmetic only,
    /// no `log` or `exp`, whose last bits may differ between C libraries.
    public mutating func skewed(_ count: Int) -> Int {
        precondition(count > 0)
        var total = 0.0
        for k in 0..<count { total += 1 / Double(k + 1) }
        var target = unit() * total
        for k in 0..<count {
            let weight = 1 / Double(k + 1)
            if target < weight { return k }
            target -= weight
        }
        return count - 1
    }
}