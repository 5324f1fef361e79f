# kubesim_module(<name> DEPS <targets...> [PRIVATE_DEPS <targets...>])
#
# One STATIC library per module, kubesim_<name> with alias kubesim::<name>, built from every .cpp below
# src/<name>/. DEPS are the modules (or libraries) its public headers and sources use; PRIVATE_DEPS are
# third-party libraries that must stay inside the module (yaml-cpp in scenario).
function(kubesim_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(kubesim_${name} STATIC ${sources})
  add_library(kubesim::${name} ALIAS kubesim_${name})
  target_include_directories(kubesim_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                             PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kubesim_${name} PUBLIC ${ARG_DEPS} kubesim_options
                                        PRIVATE ${ARG_PRIVATE_DEPS} kubesim_warnings)
endfunction()
