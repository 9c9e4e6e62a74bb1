# Dependency lookup shared by the build tree and the installed package config.
# Debian's xsimd target is plain `xsimd` and names `xtl` as a link dependency: xtl must
# be found first, or every consumer fails to link with `cannot find -lxtl`.
include(CMakeFindDependencyMacro)
find_dependency(Eigen3 3.3 NO_MODULE)
find_dependency(xtl)
find_dependency(xsimd)
if(NOT DEFINED DLRM_USE_OPENMP OR DLRM_USE_OPENMP)
  find_package(OpenMP QUIET COMPONENTS CXX)
endif()
