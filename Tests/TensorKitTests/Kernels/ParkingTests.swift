import Foundation
import Synchronization
import TensorKitKernels
import XCTest

/// The futex parking the worker pool's idle helpers sleep on (tk_park.h).
final class ParkingTests: XCTestCase {
    /// A wait on a number that has moved on returns at once.
    func testWaitOnAnOldNumberReturnsAtOnce() {
        let p = tk_parking_new()!
        let seen = tk_parking_seq(p)
        tk_parking_signal(p)
        XCTAssertEqual(tk_parking_seq(p), seen &+ 1)
        tk_parking_wait(p, seen)  // would hang if it slept
    }

    /// Sleepers wake on the next signal, and not before it.
    func testSignalWakesEverySleeper() {
        let p = tk_parking_new()!
        let address = UInt(bitPattern: p)
        let seen = tk_parking_seq(p)
        let woken = Atomic<Int>(0)
        let done = DispatchGroup()
        for _ in 0..<3 {
            DispatchQueue.global().async(group: done) {
                tk_parking_wait(OpaquePointer(bitPattern: address)!, seen)
                woken.add(1, ordering: .sequentiallyConsistent)
            }
        }
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(woken.load(ordering: .sequentiallyConsistent), 0, "no signal yet")
        tk_parking_signal(p)
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "a sleeper missed the signal")
        XCTAssertEqual(woken.load(ordering: .sequentiallyConsistent), 3)
    }
}
