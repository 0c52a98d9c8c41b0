/* pair_style macemd: see pair_macemd.h for the scheme and README "Use in LAMMPS (MPI)". */
#include "pair_macemd.h"

#include "atom.h"
#include "comm.h"
#include "error.h"
#include "force.h"
#include "memory.h"
#include "neigh_list.h"
#include "neighbor.h"
#include "update.h"

#include "macemd.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mpi.h>
#include <unistd.h>

using namespace LAMMPS_NS;

namespace {
// Chemical symbols by atomic number (index 0 unused).
const char *const symbols[] = {"",
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar",
    "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br",
    "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te",
    "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm",
    "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn",
    "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr",
    "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};
const int element_count = sizeof(symbols) / sizeof(symbols[0]) - 1;

int atomic_number(const char *symbol)
{
  for (int z = 1; z <= element_count; z++)
    if (strcmp(symbols[z], symbol) == 0) return z;
  return 0;
}
}    // namespace

PairMaceMD::PairMaceMD(LAMMPS *lmp) : Pair(lmp)
{
  single_enable = 0;
  restartinfo = 0;
  one_coeff = 1;
  manybody_flag = 1;
  ghostneigh = 1;    // ghost atoms get neighbour lists too (REQ_GHOST); off on one rank
  centroidstressflag = CENTROID_NOTAVAIL;
  no_virial_fdotr_compute = 1;    // the virial comes from libmacemd (edge vectors ⊗ gradients)
}

PairMaceMD::~PairMaceMD()
{
  macemd_free(model);
  if (allocated) {
    memory->destroy(setflag);
    memory->destroy(cutsq);
    memory->destroy(cutghost);
  }
}

void PairMaceMD::allocate()
{
  allocated = 1;
  int n = atom->ntypes + 1;
  memory->create(setflag, n, n, "pair:setflag");
  memory->create(cutsq, n, n, "pair:cutsq");
  memory->create(cutghost, n, n, "pair:cutghost");
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) setflag[i][j] = 0;
}

/* pair_style macemd [precision float32|float64] [radial exact|spline] [head NAME] [threads N] */
void PairMaceMD::settings(int narg, char **arg)
{
  for (int k = 0; k < narg; k += 2) {
    if (k + 1 >= narg) error->all(FLERR, "pair_style macemd: keyword {} needs a value", arg[k]);
    std::string key = arg[k], value = arg[k + 1];
    if (key == "precision") {
      if (value != "float32" && value != "float64")
        error->all(FLERR, "pair_style macemd: precision must be float32 or float64, not {}", value);
      precision = value;
    } else if (key == "radial") {
      if (value != "exact" && value != "spline")
        error->all(FLERR, "pair_style macemd: radial must be exact or spline, not {}", value);
      radial = value;
    } else if (key == "head") {
      head = value;
    } else if (key == "threads") {
      threads = utils::inumeric(FLERR, value, false, lmp);
      if (threads < 1) error->all(FLERR, "pair_style macemd: threads must be >= 1, not {}", value);
    } else {
      error->all(FLERR, "pair_style macemd: unknown keyword {} (use precision, radial, head, threads)", key);
    }
  }
}

/* pair_coeff * * model.safetensors El1 El2 ... (one element per atom type) */
void PairMaceMD::coeff(int narg, char **arg)
{
  if (!allocated) allocate();
  int ntypes = atom->ntypes;
  if (narg != 3 + ntypes)
    error->all(FLERR, "pair_coeff * * model.safetensors needs one element per atom type ({} types, {} given)",
               ntypes, narg - 3);
  if (strcmp(arg[0], "*") != 0 || strcmp(arg[1], "*") != 0)
    error->all(FLERR, "pair_style macemd takes one pair_coeff * * line");

  char message[1024];
  macemd_free(model);
  model = nullptr;
  if (macemd_load_radial(arg[2], precision.c_str(), head.empty() ? nullptr : head.c_str(), radial.c_str(), &model,
                         message, sizeof message) != MACEMD_OK)
    error->all(FLERR, "pair_style macemd: {}", message);
  int64_t n_layers = 0, n_elements = 0;
  macemd_cutoff(model, &r_max);
  macemd_num_interactions(model, &n_layers);
  macemd_num_elements(model, &n_elements);
  layers = (int) n_layers;
  std::vector<int32_t> known(n_elements);
  macemd_elements(model, known.data());

  type_number.assign(ntypes + 1, 0);
  for (int t = 1; t <= ntypes; t++) {
    int z = atomic_number(arg[2 + t]);
    if (z == 0) error->all(FLERR, "pair_coeff macemd: {} is not a chemical element", arg[2 + t]);
    bool found = false;
    for (int32_t k : known) found = found || k == z;
    if (!found) {
      std::string names;
      for (int32_t k : known) names += std::string(names.empty() ? "" : ", ") + symbols[k];
      error->all(FLERR, "pair_coeff macemd: element {} (type {}) is not in model {} (it knows: {})", arg[2 + t], t,
                 arg[2], names);
    }
    type_number[t] = z;
  }
  for (int i = 1; i <= ntypes; i++)
    for (int j = i; j <= ntypes; j++) setflag[i][j] = 1;

  if (macemd_set_threads(model, threads_per_rank(), message, sizeof message) != MACEMD_OK)
    error->all(FLERR, "pair_style macemd: {}", message);
  int64_t used = 0;
  macemd_threads(model, &used);
  char head_name[256] = "";
  macemd_head_name(model, -1, head_name, sizeof head_name, nullptr, 0);
  if (comm->me == 0)
    utils::logmesg(lmp,
                   "MaceMD {}: model {} (head {}, {}, radial {}), r_max {} Å, {} interaction layers, ghost cutoff {} Å + "
                   "skin, {} thread(s) per rank\n",
                   macemd_version(), arg[2], head_name, precision, radial, r_max, layers, layers * r_max, used);
  if (comm->me == 0) utils::logmesg(lmp, "MaceMD {}\n", macemd_blas());
}

/* Threads per rank: `threads N` if given; else 0 (MACEMD_NUM_THREADS or all cores) on one rank
   per node, and the node's cores divided by the ranks on the node otherwise. */
int PairMaceMD::threads_per_rank()
{
  if (threads > 0) return threads;
  if (getenv("MACEMD_NUM_THREADS")) return 0;
  MPI_Comm node;
  int local = 1;
  MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &local);
  MPI_Comm_free(&node);
  if (local <= 1) return 0;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return (int) std::max(1L, cores / local);
}

void PairMaceMD::init_style()
{
  if (!model) error->all(FLERR, "pair_style macemd: pair_coeff * * model.safetensors ... must come first");
  if (force->newton_pair == 0)
    error->all(FLERR,
               "pair_style macemd requires newton pair on: forces on ghost atoms are summed onto their "
               "owners by LAMMPS (use 'newton on')");
  if (strcmp(update->unit_style, "metal") != 0)
    error->all(FLERR, "pair_style macemd requires 'units metal' (Å, eV), not units {}", update->unit_style);
  if (atom->tag_enable == 0) error->all(FLERR, "pair_style macemd requires atom IDs");

  // One rank: every ghost is an image of an owned atom; fold images onto their atoms.
  folded = comm->nprocs == 1;
  ghostneigh = folded ? 0 : 1;
  if (folded) {
    neighbor->add_request(this, NeighConst::REQ_FULL);
    return;
  }
  neighbor->add_request(this, NeighConst::REQ_FULL | NeighConst::REQ_GHOST);

  // Ghost atoms out to layers × r_max + skin: the owned atoms' energies then see every atom
  // they depend on (messages travel r_max per layer).
  double needed = layers * r_max + neighbor->skin;
  if (comm->cutghostuser < needed) {
    comm->cutghostuser = needed;
    if (comm->me == 0)
      utils::logmesg(lmp, "MaceMD: communication cutoff set to {} Å ({} layers × r_max {} Å + skin {} Å)\n",
                     needed, layers, r_max, neighbor->skin);
  }
}

double PairMaceMD::init_one(int i, int j)
{
  cutghost[i][j] = cutghost[j][i] = r_max;
  return r_max;
}

/* Nodes: owned atoms then ghosts at their own positions; edges: every pair within r_max of the
   full list, which covers ghost atoms too. */
void PairMaceMD::build_ghost_graph()
{
  double **x = atom->x;
  double cut2 = r_max * r_max;
  int count = list->inum + list->gnum;
  for (int ii = 0; ii < count; ii++) {
    int i = list->ilist[ii];
    int *jlist = list->firstneigh[i];
    for (int jj = 0; jj < list->numneigh[i]; jj++) {
      int j = jlist[jj] & NEIGHMASK;
      double dx = x[j][0] - x[i][0], dy = x[j][1] - x[i][1], dz = x[j][2] - x[i][2];
      if (dx * dx + dy * dy + dz * dz < cut2) {
        centres.push_back(i);
        neighbours.push_back(j);
      }
    }
  }
}

/* One rank: nodes are the owned atoms only; a ghost neighbour j is the owned atom with its tag,
   seen through the image shift x_j − x_owner. */
void PairMaceMD::build_folded_graph()
{
  double **x = atom->x;
  tagint *tag = atom->tag;
  int nlocal = atom->nlocal, nall = nlocal + atom->nghost;
  tagint max_tag = 0;
  for (int i = 0; i < nall; i++) max_tag = std::max(max_tag, tag[i]);
  owner_of_tag.assign(max_tag + 1, -1);
  for (int i = 0; i < nlocal; i++) owner_of_tag[tag[i]] = i;
  double cut2 = r_max * r_max;
  for (int ii = 0; ii < list->inum; ii++) {
    int i = list->ilist[ii];
    int *jlist = list->firstneigh[i];
    for (int jj = 0; jj < list->numneigh[i]; jj++) {
      int j = jlist[jj] & NEIGHMASK;
      double dx = x[j][0] - x[i][0], dy = x[j][1] - x[i][1], dz = x[j][2] - x[i][2];
      if (dx * dx + dy * dy + dz * dz >= cut2) continue;
      int o = owner_of_tag[tag[j]];
      if (o < 0) error->one(FLERR, "pair_style macemd: ghost atom {} has no owned copy on this rank", tag[j]);
      centres.push_back(i);
      neighbours.push_back(o);
      for (int k = 0; k < 3; k++) shifts.push_back(x[j][k] - x[o][k]);
    }
  }
}

void PairMaceMD::compute(int eflag, int vflag)
{
  ev_init(eflag, vflag);
  if (vflag_atom || cvflag_atom)
    error->all(FLERR, "pair_style macemd does not compute per-atom virials (compute stress/atom)");

  int nlocal = atom->nlocal, nall = nlocal + atom->nghost;
  double **x = atom->x, **f = atom->f;
  int *type = atom->type;

  centres.clear();
  neighbours.clear();
  shifts.clear();
  if (folded) {
    build_folded_graph();
    nall = nlocal;    // the nodes are the owned atoms
  } else {
    build_ghost_graph();
  }
  positions.resize(3 * (size_t) nall);
  numbers.resize(nall);
  for (int i = 0; i < nall; i++) {
    for (int k = 0; k < 3; k++) positions[3 * i + k] = x[i][k];
    numbers[i] = type_number[type[i]];
  }

  forces.assign(3 * (size_t) nall, 0.0);
  atom_energies.assign(eflag_atom ? nlocal : 0, 0.0);
  double energy = 0.0, w[9] = {0.0};
  char message[1024];
  if (macemd_evaluate_edges(model, nlocal, nall, positions.data(), numbers.data(), (int64_t) centres.size(),
                            centres.data(), neighbours.data(), folded ? shifts.data() : nullptr, &energy,
                            forces.data(), vflag_global ? w : nullptr,
                            eflag_atom ? atom_energies.data() : nullptr, message, sizeof message) != MACEMD_OK)
    error->one(FLERR, "pair_style macemd: {}", message);

  for (int i = 0; i < nall; i++)
    for (int k = 0; k < 3; k++) f[i][k] += forces[3 * i + k];
  if (eflag_global) eng_vdwl += energy;
  if (eflag_atom)
    for (int i = 0; i < nlocal; i++) eatom[i] += atom_energies[i];
  // W = −½ Σ_e (g_e ⊗ r_e + r_e ⊗ g_e) of this rank's graph; the ranks' shares sum to the total.
  if (vflag_global) {
    virial[0] += w[0];
    virial[1] += w[4];
    virial[2] += w[8];
    virial[3] += w[1];
    virial[4] += w[2];
    virial[5] += w[5];
  }
}
