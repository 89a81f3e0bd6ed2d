/// Finds payment card numbers in free text and masks them, before the text reaches a log or the
/// journal.
public enum CardNumberMasker {
    /// Masks every number of 13–19 digits that passes the Luhn check, leaving its last four
    /// digits. Digits may be split by single spaces or dashes (`4111 1111 1111 1111`). In a run of
    /// more than 19 digits every 13–19 digit stretch is tried, so a number glued to another (an
    /// expiry, a second card) is still found. About one in ten digit strings passes Luhn by
    /// chance, so some barcodes and long references get masked too: hiding too much is the safe
    /// mistake.
    public static func maskAll(in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var masked = [Bool](repeating: false, count: scalars.count)
        func isDigit(_ i: Int) -> Bool { i < scalars.count && ("0"..."9").contains(scalars[i]) }
        var i = 0
        while i < scalars.count {
            guard isDigit(i) else { i += 1; continue }
            // The positions of one run's digits, across single separators.
            var positions: [Int] = []
            var j = i
            while true {
                while isDigit(j) { positions.append(j); j += 1 }
                guard j < scalars.count, scalars[j] == " " || scalars[j] == "-", isDigit(j + 1) else { break }
                j += 1
            }
            let digits = positions.map { Int(scalars[$0].value) - 0x30 }
            // A run that could itself be a card number is one; only a longer run can hide one.
            let lengths = digits.count <= 19 ? digits.count...digits.count : 13...19
            for start in digits.indices {
                for length in lengths where length >= 13 && start + length <= digits.count {
                    guard luhnValid(Array(digits[start..<(start + length)])) else { continue }
                    for position in positions[start..<(start + length - 4)] { masked[position] = true }
                }
            }
            i = j
        }
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() { out.append(masked[index] ? "*" : scalar) }
        return String(out)
    }

    /// Whether a code someone wants to keep (a loyalty card's number) could be a payment card's.
    /// A plain number (single spaces or dashes allowed) is one when it has 14–19 digits, passes
    /// the Luhn check and starts as the card schemes' numbers do (2–6); a 13-digit number is an
    /// EAN-13 barcode (13-digit payment cards are long gone), and one in ten of those passes Luhn
    /// by chance. Anything else (letters, longer numbers) is judged as free text: any card number
    /// hidden in it counts.
    public static func couldBePaymentCard(_ code: String) -> Bool {
        let plain = code.unicodeScalars.filter { $0 != " " && $0 != "-" }
        if (1...19).contains(plain.count), plain.allSatisfy({ ("0"..."9").contains($0) }) {
            let digits = plain.map { Int($0.value) - 0x30 }
            return (14...19).contains(digits.count) && (2...6).contains(digits[0]) && luhnValid(digits)
        }
        return maskAll(in: code) != code
    }

    /// The Luhn (mod 10) check of payment card numbers.
    public static func luhnValid(_ digits: [Int]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            let doubled = digit * 2
            sum += position % 2 == 0 ? digit : (doubled > 9 ? doubled - 9 : doubled)
        }
        return sum % 10 == 0
    }
}
