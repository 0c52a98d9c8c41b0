/// Neighbour-list build time for fcc Cu. (Written next.)
func neighborBenchmark(_ arguments: [String]) throws {
    print("neighbors: not yet implemented")
}
