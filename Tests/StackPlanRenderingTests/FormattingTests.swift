import StackPlanCore
import Testing
@testable import StackPlanRendering

@Suite struct FormattingTests {
    @Test func moneyOfEverySizePrintsWithoutTrapping() {
        #expect(formatMoney(2200) == "2200")
        #expect(formatMoney(99.5) == "99.50")
        #expect(formatMoney(0.004) == "0")
        #expect(formatMoney(-0.0) == "0")
        // Past Int's range: a Double→Int conversion would trap here.
        #expect(formatMoney(1e19) == "10000000000000000000")
        #expect(formatMoney(-1e19) == "-10000000000000000000")
        #expect(formatMoney(1e308).hasPrefix("1000000000000000"))
        #expect(formatMoney(.infinity) == "inf")
    }

    @Test func numbersOfEverySizePrintWithoutTrapping() {
        #expect(formatNumber(12) == "12")
        #expect(formatNumber(7.5) == "7.5")
        #expect(formatNumber(1e19) == "10000000000000000000")
        #expect(formatWhole(1e300).count == 301)
    }
}
