import Dispatch
import Foundation

/// Where the time of MACE evaluations goes: core-seconds and floating-point operations per
/// stage, accumulated over the evaluations it is passed to (see
/// ``MACEPotential/evaluate(_:neighbors:request:profile:)`` and `macemd-bench mace --stages`).
///
/// A stage that runs on all cores for t seconds of wall time costs t × cores core-seconds,
/// idle cores included (load imbalance and serial sections count against the stage that has
/// them). Inside the fused edge blocks (radial MLP and convolution run block by block on each
/// core) the region's core-seconds are split between the two in proportion to the time each
/// core spent in them. FLOPs count multiplies and adds of the stage's arithmetic as written
/// (one per multiply, one per add), not the work of a particular instruction set.
public final class StageProfile: @unchecked Sendable {
    /// The stages of one energy + forces evaluation.
    public enum Stage: String, CaseIterable, Sendable {
        case sphericalHarmonics = "spherical harmonics Y(r̂)"
        case radialBasis = "radial basis B(r)·f(r)"
        case radialMLP = "radial MLP R(B)"
        case convolution = "convolution φ(h̃, Y, R), sum over neighbours"
        case linears = "linears and self-connections"
        case contraction = "symmetric contraction"
        case readouts = "readouts"
        case other = "normalisation, bookkeeping"
        case backwardContraction = "backward: symmetric contraction"
        case backwardLinears = "backward: linears and self-connections"
        case backwardRadialMLP = "backward: radial MLP (with its recomputation)"
        case backwardConvolution = "backward: convolution"
        case backwardEdges = "backward: ∂E/∂r per edge (Y, B, f)"
    }

    private let lock = NSLock()
    private var coreSeconds: [Stage: Double] = [:]
    private var operations: [Stage: Double] = [:]
    /// Cores an evaluation runs on.
    public let cores = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// Core-seconds spent in `stage` so far.
    public func seconds(_ stage: Stage) -> Double { lock.withLock { coreSeconds[stage, default: 0] } }
    /// Floating-point operations of `stage` so far.
    public func flops(_ stage: Stage) -> Double { lock.withLock { operations[stage, default: 0] } }

    /// Adds `seconds` core-seconds and `flops` operations to `stage`.
    func add(_ stage: Stage, seconds: Double, flops: Double = 0) {
        lock.withLock {
            coreSeconds[stage, default: 0] += seconds
            operations[stage, default: 0] += flops
        }
    }

    /// Per-core time of the two stages of a parallel region.
    final class Split: @unchecked Sendable {
        private let lock = NSLock()
        private var first = 0.0, second = 0.0
        func add(first a: Double, second b: Double) { lock.withLock { first += a; second += b } }
        var totals: (Double, Double) { lock.withLock { (first, second) } }
    }

    /// One core's timer inside a split region (see ``StageTimer/ended(_:_:flops:_:flops:)``): the time runs for the
    /// first stage until ``lap()``, then for the second until the next ``lap()``, and so on;
    /// ``finish()`` adds both totals to the split. It does nothing without a split.
    struct Stopwatch {
        private let split: Split?
        private var last: UInt64
        private var first = 0.0, second = 0.0, inFirst = true

        init(_ split: Split?) {
            self.split = split
            last = split == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        }

        /// Switches between the two stages.
        mutating func lap() {
            guard split != nil else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            let t = Double(now - last) * 1e-9
            if inFirst { first += t } else { second += t }
            inFirst.toggle()
            last = now
        }

        /// Ends the block: records the running stage and hands the totals to the split.
        mutating func finish() {
            guard let split else { return }
            lap()
            split.add(first: first, second: second)
        }
    }
}

/// The clock of one evaluation: the evaluation tells it when each stage ends, and it charges
/// the wall time since the previous call × cores to that stage in ``profile``. The arithmetic
/// never sees it; without a profile there is no timer.
final class StageTimer {
    let profile: StageProfile
    private var last = DispatchTime.now().uptimeNanoseconds

    init(_ profile: StageProfile) { self.profile = profile }

    /// `stage`, which did `flops` operations, has just ended.
    func ended(_ stage: StageProfile.Stage, flops: Double = 0) {
        let now = DispatchTime.now().uptimeNanoseconds
        profile.add(stage, seconds: Double(profile.cores) * Double(now - last) * 1e-9, flops: flops)
        last = now
    }

    /// A parallel region whose cores recorded in `split` the time they spent in `first` and
    /// `second` has just ended: its wall time × cores is shared out in those proportions.
    func ended(_ split: StageProfile.Split, _ first: StageProfile.Stage, flops firstFlops: Double,
               _ second: StageProfile.Stage, flops secondFlops: Double) {
        let now = DispatchTime.now().uptimeNanoseconds
        let total = Double(profile.cores) * Double(now - last) * 1e-9
        let (a, b) = split.totals
        let share = a + b > 0 ? a / (a + b) : 0.5
        profile.add(first, seconds: total * share, flops: firstFlops)
        profile.add(second, seconds: total * (1 - share), flops: secondFlops)
        last = now
    }
}
