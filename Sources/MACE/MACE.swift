/// The MACE module: mace-torch models evaluated in Swift with analytic forces and stress.
///
/// Pipeline (Batatia et al., NeurIPS 2022; file per stage):
///
/// | stage | paper | file |
/// |---|---|---|
/// | model file, hyperparameters | — | `Loading/SafetensorsFile.swift`, `Model/MACEModelConfig.swift` |
/// | edges r_ij, grouped by receiver | — | `Model/EdgeGraph.swift` |
/// | Y(r̂), B(r)·f(r), distance transforms, ZBL | eqs. 7–8 | `Basis/` (branch mace-stages) |
/// | element embedding | eq. 6 | `Model/MACEModel.swift` |
/// | radial MLP | eq. 7 | `Layers/RadialMLP.swift`, `Layers/LayerNormMLP.swift` |
/// | linear_up, linear, product linear | eq. 8, 11 | `Layers/EquivariantLinear.swift` |
/// | channel-wise tensor product, aggregation | eq. 8 | `Layers/ConvolutionTensorProduct.swift`, `Model/LayerPass.swift` |
/// | self-connection (skip_tp) | eq. 12 | `Layers/ElementLinear.swift` |
/// | symmetric contraction (product basis) | eqs. 10–11 | `Layers/SymmetricContraction.swift` |
/// | gated non-linearity (non-linear block) | — | `Layers/GatedNonlinearity.swift` |
/// | readouts, E0, scale/shift | eq. 13 | `Model/Readout.swift`, `Model/MACEModel+Evaluate.swift` |
/// | forces and virial | — | reverse pass in every stage; `MACEPotential.swift` |
///
/// Public entry point: ``MACEPotential`` (a `Potential`).
enum MACEModule {}
