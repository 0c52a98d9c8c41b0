/// The MACE module: mace-torch models evaluated in Swift with analytic forces and stress.
///
/// Pipeline (Batatia et al., NeurIPS 2022); `MACEModel.evaluate` in `Model/MACEModel+Evaluate.swift`
/// runs these stages in order, then their reverse in reverse order:
///
/// | stage | paper | file |
/// |---|---|---|
/// | model file, hyperparameters | — | `Loading/SafetensorsFile.swift`, `Model/MACEModelConfig.swift` |
/// | graph: nodes, edges r_e grouped by receiver, owned mask | — | `MACEGraph.swift`, `Model/EdgeGraph.swift` |
/// | Y(r̂), B(r)·f(r), distance transforms, ZBL | eqs. 7–8 | `Model/EdgeFeatures.swift`, `Basis/` |
/// | element embedding | eq. 6 | `Model/MACEModel+Evaluate.swift` |
/// | interaction + product layer (stage list, forward and reverse) | eqs. 7–12 | `Model/InteractionLayer+Forward.swift`, `+Backward.swift` |
/// | radial MLP | eq. 7 | `Layers/EdgeNetwork.swift`, `Layers/FullyConnectedNet.swift`, `Layers/LayerNormMLP.swift` |
/// | edge stages (MLP + convolution, summed over neighbours) | eqs. 7–8 | `Model/EdgeStages.swift`, `Model/EdgeBlocks.swift`, `Model/EdgePairing.swift` |
/// | first layer's edge stages with the sender elements folded into the MLP's output layer | eqs. 7–8 | `Model/SenderElementFolding.swift` |
/// | linear_up, linear, product linear | eqs. 8, 11 | `Layers/EquivariantLinear.swift` |
/// | channel-wise tensor product | eq. 8 | `Layers/ConvolutionTensorProduct.swift` |
/// | self-connection (skip_tp) | eq. 12 | `Layers/ElementLinear.swift` |
/// | symmetric contraction (product basis) | eqs. 10–11 | `Layers/SymmetricContraction.swift` |
/// | gated non-linearity (non-linear block) | — | `Layers/GatedNonlinearity.swift` |
/// | readouts, E0, scale/shift | eq. 13 | `Model/Readout.swift`, `Model/MACEModel+Evaluate.swift` |
/// | forces and virial | — | reverse pass in every stage; `MACEGraph.swift` |
///
/// Public entry points: ``MACEPotential`` (a `Potential`) and its graph-level
/// ``MACEPotential/evaluate(_:request:edgeGradients:)`` for hosts that build their own edges.
/// Benchmarks pass a ``StageProfile``, told the time of each stage between stages.
enum MACEModule {}
