/* pair_style macemd: MACE models evaluated by MaceMD's libmacemd across MPI ranks.
 *
 *   pair_style macemd [precision float32|float64] [radial exact|spline] [head NAME] [threads N]
 *   pair_coeff * * model.safetensors Cu O      (one element per LAMMPS atom type)
 *
 * Ghost-shell scheme: each rank holds ghost atoms out to num_interactions × r_max + skin
 * (the communication cutoff is raised to that), builds a full neighbour list that also covers
 * ghost atoms (r_max + skin), and hands libmacemd all of them: the energy is summed over the
 * rank's own atoms only, forces come back on ghosts too and LAMMPS adds them onto their owners
 * (newton pair on, required). On one MPI rank the periodic images are folded instead: nodes
 * are the rank's own atoms only, each ghost neighbour becomes an edge to the atom it copies
 * with its image shift, and the communication cutoff stays at r_max + skin (no ghost
 * overhead). Units: metal. */
#ifdef PAIR_CLASS
// clang-format off
PairStyle(macemd,PairMaceMD);
// clang-format on
#else

#ifndef LMP_PAIR_MACEMD_H
#define LMP_PAIR_MACEMD_H

#include "pair.h"

#include <string>
#include <vector>

struct macemd_model;

namespace LAMMPS_NS {

class PairMaceMD : public Pair {
 public:
  PairMaceMD(class LAMMPS *);
  ~PairMaceMD() override;
  void compute(int, int) override;
  void settings(int, char **) override;
  void coeff(int, char **) override;
  void init_style() override;
  double init_one(int, int) override;

 private:
  void allocate();
  int threads_per_rank();
  void build_ghost_graph();
  void build_folded_graph();

  macemd_model *model = nullptr;
  std::string precision = "float64";
  std::string radial = "exact";
  std::string head;
  int threads = 0;               // 0: MACEMD_NUM_THREADS, else cores ÷ ranks on the node
  double r_max = 0.0;            // model cutoff, Å
  int layers = 0;                // message-passing layers
  bool folded = false;           // one rank: images folded onto owned atoms (edge shifts)
  std::vector<int> type_number;  // atomic number of each LAMMPS type (index 1..ntypes)
  // Work arrays reused between steps.
  std::vector<double> positions, shifts, forces, atom_energies;
  std::vector<int> owner_of_tag;
  std::vector<int> numbers, centres, neighbours;
};

}    // namespace LAMMPS_NS

#endif
#endif
