# cmake -DMODE=install|consume -DDLRM_SOURCE_DIR=... -DWORK=... -DGENERATOR=...
#       -DCXX_COMPILER=... [-DPROJECT_DIR=<consumer project>] -P run_consumer.cmake
# install: configures this tree with only the library (no tests, benchmarks, examples)
#          and installs it into WORK/prefix.
# consume: configures, builds and runs a consumer project; it must print "consumer ok".
cmake_minimum_required(VERSION 3.24)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(flags -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER})

if(MODE STREQUAL "install")
  set(build ${WORK}/dlrm-build)
  set(prefix ${WORK}/prefix)
  file(REMOVE_RECURSE ${build} ${prefix})
  run("configuring dlrm for install" ${CMAKE_COMMAND} -S ${DLRM_SOURCE_DIR} -B ${build} ${flags}
      -DDLRM_BUILD_TESTS=OFF -DDLRM_BUILD_BENCHMARKS=OFF -DDLRM_BUILD_EXAMPLES=OFF
      -DDLRM_INSTALL=ON)
  run("installing dlrm" ${CMAKE_COMMAND} --install ${build} --prefix ${prefix})
  foreach(f include/dlrm/dlrm.hpp include/dlrm/serialize.hpp include/dlrm/detail/npy.hpp
            share/cmake/dlrm/dlrmConfig.cmake share/cmake/dlrm/dlrmConfigVersion.cmake)
    if(NOT EXISTS ${prefix}/${f})
      message(FATAL_ERROR "the install into ${prefix} lacks ${f}")
    endif()
  endforeach()
  message(STATUS "dlrm installed into ${prefix}")
elseif(MODE STREQUAL "consume")
  get_filename_component(kind ${PROJECT_DIR} NAME)
  set(build ${WORK}/${kind})
  file(REMOVE_RECURSE ${build})
  run("configuring the ${kind} consumer" ${CMAKE_COMMAND} -S ${PROJECT_DIR} -B ${build} ${flags}
      -DDLRM_SOURCE_DIR=${DLRM_SOURCE_DIR} -DCMAKE_PREFIX_PATH=${WORK}/prefix
      -DCONSUMER_OUTPUT=${build}/weights.npz)
  run("building the ${kind} consumer" ${CMAKE_COMMAND} --build ${build})
  run("running the ${kind} consumer" ${build}/consumer ${build}/weights.npz)
  if(NOT last_output MATCHES "consumer ok")
    message(FATAL_ERROR "the ${kind} consumer did not print 'consumer ok':\n${last_output}")
  endif()
  message(STATUS "${kind}: ${last_output}")
else()
  message(FATAL_ERROR "MODE must be install or consume, got '${MODE}'")
endif()
