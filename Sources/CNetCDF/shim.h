// NetCDF-C (Debian: libnetcdf-dev).
#include <netcdf.h>
