/*
 * macemd.h: the C interface of MaceMD's MACE evaluator (libmacemd.so).
 *
 * Units: positions, cells and shifts in Å; energies in eV; forces in eV/Å; the virial
 * W = −∂E/∂ε in eV (row-major 3×3; pressure = W/V for a static structure, ASE's stress
 * is −W/V). Arrays of vectors are flat, row-major: x[3 i + k].
 *
 * Status: every function that can fail returns MACEMD_OK (0) or MACEMD_ERROR (1). Functions
 * taking (char *error, size_t error_size) write a one-line, NUL-terminated message there on
 * failure (truncated to fit; an empty string on success; pass NULL, 0 to skip it). No Swift
 * error or trap crosses this interface for bad input: NULL pointers, bad counts, unknown
 * elements, inconsistent graphs and unreadable model files all come back as MACEMD_ERROR.
 * The caller must still pass arrays as long as the counts it gives.
 *
 * Threads: a model handle may be used by one thread at a time; different handles may
 * evaluate in parallel. Each evaluation itself runs on up to macemd_threads() cores.
 *
 * Typical use:
 *
 *     char err[512];
 *     macemd_model *m = NULL;
 *     if (macemd_load("copper.safetensors", "float64", NULL, &m, err, sizeof err) != MACEMD_OK) {
 *         fprintf(stderr, "%s\n", err); return 1;
 *     }
 *     double e, f[3 * N], w[9];
 *     macemd_evaluate(m, N, x, z, cell, pbc, &e, f, w, NULL, err, sizeof err);
 *     macemd_free(m);
 */
#ifndef MACEMD_H
#define MACEMD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MACEMD_OK 0
#define MACEMD_ERROR 1

/* An opaque loaded model. */
typedef struct macemd_model macemd_model;

/* The library version, "MAJOR.MINOR.PATCH" (a static string). */
const char *macemd_version(void);

/* One line naming the OpenBLAS kernels behind the matrix products and how they were chosen,
   e.g. "OpenBLAS kernels: Cooperlake (chosen by MaceMD from the CPU flags; ...)" (a static
   string). libmacemd loads OpenBLAS itself with the kernels for the CPU's vector extensions
   (AVX-512, AVX2), or respects OPENBLAS_CORETYPE; when the host process loaded OpenBLAS first,
   its kernels are reported as they are, and macemd_load writes this line to stderr once if
   they are slower than this CPU's best. */
const char *macemd_blas(void);

/*
 * Loads a converted MACE model (a .safetensors file from `macemd convert` or
 * scripts/conversion/mace_convert.py).
 *   path       model file
 *   precision  "float64" or "float32" (NULL: "float64")
 *   head       head of a multi-head model (NULL or "": the only head, or the one named "default")
 *   model      out: the handle (NULL on failure); release it with macemd_free
 * The thread count starts at the default described at macemd_set_threads; an invalid
 * MACEMD_NUM_THREADS fails the load.
 */
int macemd_load(const char *path, const char *precision, const char *head, macemd_model **model,
                char *error, size_t error_size);

/*
 * macemd_load with the radial mode:
 *   radial  "exact" (NULL or "": the default; the radial MLP per edge) or "spline" (the fast
 *           radial mode: the radial MLP tabulated at load and interpolated; float64 forces within
 *           ~1e-5 of max|F| of "exact"; fails for models whose radial MLP sees the elements)
 */
int macemd_load_radial(const char *path, const char *precision, const char *head, const char *radial,
                       macemd_model **model, char *error, size_t error_size);

/* Releases a model; NULL is ignored. */
void macemd_free(macemd_model *model);

/* r_max, the model's cutoff radius in Å. */
int macemd_cutoff(const macemd_model *model, double *cutoff);

/* The number of message-passing (interaction) layers. A host that splits space over
 * processes needs ghost atoms out to num_interactions × r_max (plus its skin). */
int macemd_num_interactions(const macemd_model *model, int64_t *layers);

/* The number of elements the model knows, and their atomic numbers (in the model's order)
 * into numbers[0 .. n-1]. */
int macemd_num_elements(const macemd_model *model, int64_t *n);
int macemd_elements(const macemd_model *model, int32_t *numbers);

/* The number of heads, and the name of head `index` (index = -1: the head being evaluated)
 * into name[0 .. size-1]; fails when the name does not fit. */
int macemd_num_heads(const macemd_model *model, int64_t *n);
int macemd_head_name(const macemd_model *model, int64_t index, char *name, size_t size,
                     char *error, size_t error_size);

/*
 * The most cores one evaluation of `model` runs on. n >= 1 sets it; n = 0 restores the
 * default, which is, in order: MACEMD_NUM_THREADS if set; under MPI (MPICH's MPI_LOCALNRANKS
 * or Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE in the environment), the cores of the node divided
 * by the ranks on the node, unless the launcher already bound the rank to fewer cores; else
 * every core the process may use. macemd_threads gives the count in effect.
 */
int macemd_set_threads(macemd_model *model, int64_t n, char *error, size_t error_size);
int macemd_threads(const macemd_model *model, int64_t *n);

/*
 * Evaluates a whole structure; neighbours (with periodic images) are found inside.
 *   n              number of atoms (>= 1)
 *   positions      3n doubles, Å
 *   numbers        n atomic numbers
 *   cell           9 doubles: lattice vectors a, b, c as rows, Å (NULL: no cell, not periodic)
 *   pbc            3 ints, non-zero = periodic along a, b, c (NULL: all periodic if cell given)
 * Outputs (each may be NULL to skip it; nothing is computed that nobody asked for):
 *   energy         eV
 *   forces         3n doubles, eV/Å
 *   virial         9 doubles, W = −∂E/∂ε in eV
 *   atom_energies  n doubles, eV (they sum to the energy)
 */
int macemd_evaluate(macemd_model *model, int64_t n, const double *positions,
                    const int32_t *numbers, const double *cell, const int32_t *pbc,
                    double *energy, double *forces, double *virial, double *atom_energies,
                    char *error, size_t error_size);

/*
 * Evaluates a graph built by the host, as one MPI rank of LAMMPS holds it.
 *   n_owned        atoms owned by this process: nodes 0 .. n_owned-1
 *   n_total        owned atoms then ghosts (copies of atoms of other ranks or periodic
 *                  images, at their own unwrapped positions): nodes 0 .. n_total-1
 *   positions      3 n_total doubles, Å
 *   numbers        n_total atomic numbers
 *   n_edges        number of directed pairs
 *   centres, neighbours
 *                  the pairs (i, j), node indices; the edge vector is
 *                  r_ij = x_j − x_i + shift_ij. Both directions of every pair within r_max
 *                  must be present, ghost-ghost pairs included; pairs with |r_ij| >= r_max
 *                  are ignored (a Verlet list with skin may be passed as is).
 *   shifts         3 n_edges doubles, Å (NULL: all zero, as for LAMMPS ghosts)
 * Outputs (each may be NULL):
 *   energy         Σ over owned atoms of E_i, eV
 *   forces         3 n_total doubles, −∂E/∂x on every node, ghosts included, eV/Å: the host
 *                  adds ghost forces to the atoms they copy (LAMMPS: reverse communication)
 *   virial         9 doubles: this graph's share of W (shares of all ranks sum to the total)
 *   atom_energies  n_owned doubles, E_i of the owned atoms, eV
 * With ghosts out to num_interactions × r_max from every owned atom, the energies of the
 * owned atoms equal those of the whole system.
 */
int macemd_evaluate_edges(macemd_model *model, int64_t n_owned, int64_t n_total,
                          const double *positions, const int32_t *numbers, int64_t n_edges,
                          const int32_t *centres, const int32_t *neighbours, const double *shifts,
                          double *energy, double *forces, double *virial, double *atom_energies,
                          char *error, size_t error_size);

#ifdef __cplusplus
}
#endif

#endif /* MACEMD_H */
