import Foundation
@testable import MACE

/// The convolution's reverse pass written edge by edge in its plainest form (MaceMD's kernel
/// before the channel-blocked one replaced it), kept here as the reference the running kernel
/// ``ConvolutionTensorProduct/backward(x:sh:weights:gradient:dx:dSH:dWeights:accumulateWeights:)``
/// is compared with. Given g = ∂E/∂out it adds ∂E/∂x to dx, ∂E/∂Y to dSH and writes ∂E/∂w to
/// dWeights (or adds, with `accumulateWeights`). With G_{m1,u} = Σ_{entries} c Y_{m2} g_{m3,u}:
/// ∂E/∂x_{m1,u} = w_u G_{m1,u}, ∂E/∂w_u = Σ_{m1} x_{m1,u} G_{m1,u},
/// ∂E/∂Y_{m2} = Σ_{entries} c Σ_u (wx)_{m1,u} g_{m3,u}.
extension ConvolutionTensorProduct {
    /// Scalars of scratch ``perEdgeReferenceBackward`` needs: the (w x) and G rows, d1 × mul each.
    var referenceBackwardScratchCount: Int { instructions.map { 2 * $0.inDimension * $0.mul }.max() ?? 0 }

    func perEdgeReferenceBackward(x: UnsafePointer<T>, sh: UnsafePointer<T>, weights w: UnsafePointer<T>, gradient g: UnsafePointer<T>,
                  dx: UnsafeMutablePointer<T>, dSH: UnsafeMutablePointer<T>, dWeights dw: UnsafeMutablePointer<T>,
                  scratch: UnsafeMutablePointer<T>, accumulateWeights: Bool = false) {
        let table = kernels
        for i in 0..<table.instructionCount {
            let ins = table.instructions[i]
            let u = ins.mul, d1 = ins.inDimension
            let wi = w + ins.weightOffset, dwi = dw + ins.weightOffset
            let wxAll = scratch, gAll = scratch + d1 * u
            for m1 in 0..<d1 {
                let xi = x + ins.inOffset + m1 * u, wx = wxAll + m1 * u, gg = gAll + m1 * u
                for k in 0..<u { wx[k] = wi[k] * xi[k]; gg[k] = 0 }
            }
            for t in ins.entries {
                let e = table.entries[t]
                dSH[e.shIndex] += e.coefficient * axpyAndDot(e.coefficient * sh[e.shIndex], g + e.outRow, gAll + e.scratchRow,
                                                              dot: wxAll + e.scratchRow, count: u)
            }
            if !accumulateWeights { for k in 0..<u { dwi[k] = 0 } }
            for m1 in 0..<d1 {
                let xi = x + ins.inOffset + m1 * u, dxi = dx + ins.inOffset + m1 * u, gg = gAll + m1 * u
                for k in 0..<u { dxi[k] += wi[k] * gg[k]; dwi[k] += xi[k] * gg[k] }
            }
        }
    }
}
