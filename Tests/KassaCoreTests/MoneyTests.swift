import Testing
@testable import KassaCore
