# The layers run one way (data -> anatomy -> render -> app) and the physiology never sees VTK,
# Assimp or the geometry: (1) no source of a room includes what it must not, (2) an include that
# runs the wrong way fails to compile with the room's include root alone.
# ctest runs: cmake -DSRC=<source dir> -DCXX=<compiler> -DBIN=<scratch dir> -P tests/layers.cmake

set(failures "")

function(check_room room pattern why)
  file(GLOB_RECURSE files "${SRC}/${room}/*.cpp" "${SRC}/${room}/*.hpp")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "${pattern}")
        file(RELATIVE_PATH rel "${SRC}" "${f}")
        set(failures "${failures}\n  ${rel}: ${line} (${why})" PARENT_SCOPE)
      endif()
    endforeach()
  endforeach()
endfunction()

set(geometry_headers "anatomy/(deform|geometry|geometry_build|geometry_io|geometry_vtk|sweep)\\.hpp")
check_room(anatomy/physiology "[<\"](vtk|assimp/|vulkan/|render/|app/|GLFW/)" "the physiology includes no VTK, Assimp, Vulkan, render/ or app/")
check_room(anatomy/physiology "${geometry_headers}" "the physiology does not include the geometry")
check_room(anatomy/geometry "[<\"](vulkan/|render/|app/|GLFW/)" "anatomy includes no Vulkan, render/ or app/")
check_room(anatomy/geometry/include "[<\"](vtk|assimp/)|anatomy/geometry_(io|build|vtk)\\.hpp" "the plain geometry (which the renderer links) includes no VTK, Assimp or mesh files' headers")
check_room(anatomy/geometry/src "[<\"](vtk|assimp/)|anatomy/geometry_(io|build|vtk)\\.hpp" "the plain geometry (which the renderer links) includes no VTK, Assimp or mesh files' headers")
check_room(render "[<\"](vtk|assimp/)|anatomy/geometry_(io|build|vtk)\\.hpp" "the renderer reads plain geometry, not mesh files")
check_room(render "[<\"](app/|GLFW/)" "render/ never includes app/ or the window system")

# the wrong way fails to compile with each room's include root
file(MAKE_DIRECTORY "${BIN}")
function(must_not_compile include root what)
  set(probe "${BIN}/probe_${what}.cpp")
  file(WRITE "${probe}" "#include \"${include}\"\nint main() { return 0; }\n")
  execute_process(COMMAND "${CXX}" -std=c++20 -fsyntax-only -I "${SRC}/${root}" "${probe}" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(rc EQUAL 0)
    set(failures "${failures}\n  '${include}' compiles with only ${root} on the include path (${what})" PARENT_SCOPE)
  endif()
endfunction()
must_not_compile("anatomy/deform.hpp" anatomy/physiology/include physiology_to_geometry)
must_not_compile("render/frame.hpp" anatomy/physiology/include physiology_to_render)
must_not_compile("render/frame.hpp" anatomy/geometry/include geometry_to_render)
must_not_compile("anatomy/geometry_io.hpp" anatomy/geometry/include geometry_to_meshes)
must_not_compile("app/session.hpp" render/include render_to_app)

# and the right way does compile (the probes above fail for the reason they should)
set(probe "${BIN}/probe_right_way.cpp")
file(WRITE "${probe}" "#include \"anatomy/model.hpp\"\nint main() { return 0; }\n")
execute_process(COMMAND "${CXX}" -std=c++20 -fsyntax-only -I "${SRC}/anatomy/physiology/include" "${probe}" RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  set(failures "${failures}\n  anatomy/model.hpp does not compile with the physiology's include root: ${err}")
endif()

if(failures)
  message(FATAL_ERROR "layers: includes that run the wrong way:${failures}")
endif()
message(STATUS "layers: every include runs one way")
