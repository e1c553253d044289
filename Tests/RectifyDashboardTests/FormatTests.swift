import Testing
@testable import RectifyDashboard

/// Numbers as the screen prints them: short, fixed widths, no locale.
@Suite struct FormatTests {
    @Test("counts stay within five characters")
    func counts() {
        #expect(Format.count(0) == "0")
        #expect(Format.count(9_999) == "9999")
        #expect(Format.count(10_000) == "10.0k")
        #expect(Format.count(123_456) == "123k")
        #expect(Format.count(999_499) == "999k")
        #expect(Format.count(999_500) == "1.00M")
        #expect(Format.count(1_234_567) == "1.23M")
        #expect(Format.count(65_536_000_000) == "65.5G")
        #expect(Format.count(-12_345) == "-12.3k")
    }

    @Test("percentages keep three significant digits; unknown prints the placeholder")
    func percents() {
        #expect(Format.percent(0, unknown: "-") == "0%")
        #expect(Format.percent(0.0042, unknown: "-") == "0.42%")
        #expect(Format.percent(0.123, unknown: "-") == "12.3%")
        #expect(Format.percent(1, unknown: "-") == "100%")
        #expect(Format.percent(nil, unknown: "—") == "—")
        #expect(Format.percent(.nan, unknown: "-") == "-")
    }

    @Test("ratios and rates")
    func ratios() {
        #expect(Format.ratio(1.0749, unknown: "-") == "1.07")
        #expect(Format.ratio(nil, unknown: "-") == "-")
        #expect(Format.rate(0.5, unknown: "-") == "0.50")
        #expect(Format.rate(12.34, unknown: "-") == "12.3")
        #expect(Format.rate(456.4, unknown: "-") == "456")
        #expect(Format.rate(12_345, unknown: "-") == "12.3k")
    }

    @Test("decimals and padding")
    func decimals() {
        #expect(Format.decimal(2.005, places: 0) == "2")
        #expect(Format.decimal(0.05, places: 2) == "0.05")
        #expect(Format.decimal(-0.001, places: 1) == "0.0")
        #expect(Format.digits(0) == 1 && Format.digits(255) == 3)
        #expect(Format.right("ab", 4) == "  ab" && Format.left("ab", 4) == "ab  " && Format.right("abcdef", 4) == "abcdef")
    }
}
