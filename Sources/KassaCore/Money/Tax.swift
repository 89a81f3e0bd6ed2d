/// A VAT class of the register (e.g. `A` food, `B` general), whose rate changes over time.
public struct TaxClassID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: TaxClassID, b: TaxClassID) -> Bool { a.rawValue < b.rawValue }
}

/// One rate in basis points (2550 = 25.5 %), applying from a date on.
public struct TaxRateChange: Hashable, Sendable {
    public var from: CivilDate
    public var basisPoints: Int
    public init(from: CivilDate, basisPoints: Int) {
        self.from = from
        self.basisPoints = basisPoints
    }
}

public struct TaxClass: Hashable, Sendable {
    public var id: TaxClassID
    public var name: String
    /// Sorted by date; the rate in force on a day is the last change on or before it.
    public private(set) var changes: [TaxRateChange]

    public init(id: TaxClassID, name: String, changes: [TaxRateChange]) {
        self.id = id
        self.name = name
        self.changes = changes.sorted { $0.from < $1.from }
    }

    public func basisPoints(on date: CivilDate) -> Int? {
        changes.last(where: { $0.from <= date })?.basisPoints
    }
}

/// Whether catalog prices include VAT (the default in Nordic retail) or have it added.
public enum PriceMode: String, Sendable, Hashable, CaseIterable {
    case inclusive, exclusive
}

/// The register's VAT classes and their history.
public struct TaxTable: Hashable, Sendable {
    public private(set) var classes: [TaxClassID: TaxClass]

    public init(_ classes: [TaxClass]) {
        var map: [TaxClassID: TaxClass] = [:]
        for c in classes { map[c.id] = c }
        self.classes = map
    }

    public func basisPoints(_ id: TaxClassID, on date: CivilDate) -> Int? {
        classes[id]?.basisPoints(on: date)
    }

    /// Finland: general 24 % → 25.5 % from 2024-09-01; 14 % → 13.5 % from 2026-01-01; 10 %; 0 %.
    public static let finland = TaxTable([
        TaxClass(id: "A", name: "General", changes: [
            TaxRateChange(from: CivilDate(year: 2013, month: 1, day: 1), basisPoints: 2400),
            TaxRateChange(from: CivilDate(year: 2024, month: 9, day: 1), basisPoints: 2550),
        ]),
        TaxClass(id: "B", name: "Food", changes: [
            TaxRateChange(from: CivilDate(year: 2013, month: 1, day: 1), basisPoints: 1400),
            TaxRateChange(from: CivilDate(year: 2026, month: 1, day: 1), basisPoints: 1350),
        ]),
        TaxClass(id: "C", name: "Books, transport", changes: [
            TaxRateChange(from: CivilDate(year: 2013, month: 1, day: 1), basisPoints: 1000),
        ]),
        TaxClass(id: "Z", name: "Zero-rated", changes: [
            TaxRateChange(from: CivilDate(year: 2013, month: 1, day: 1), basisPoints: 0),
        ]),
    ])
}
