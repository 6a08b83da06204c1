# spice_rewrite(<target> [SOURCES <file>...])
#
# Builds sources of <target> through spice-rewrite: each one is rewritten into
# the build tree (<binary dir>/spice_rewrite/<target>/...) and the rewritten
# copy is compiled in its place, with the target's include directories,
# compile definitions and C++ standard. <target> also links Spice::runtime.
#
# Without SOURCES, every C++ source of the target is rewritten; a file without
# [[spice::parallel]] comes out of the tool unchanged. With SOURCES, only the
# listed ones (each must already be a source of the target).
#
# User headers that carry [[spice::parallel]] (templates, inline functions,
# classes with parallel members) are rewritten too, into
# <binary dir>/spice_headers/<target>/ under the path they are included by;
# that directory comes first on the target's include path (-iquote and -I),
# so every source of the target, rewritten or not, sees the copies.
#
# The rewrite reruns when its source, a file that source includes (the tool's
# --depfile: the original headers of the copies too), its command line or
# spice-rewrite itself changes. A copy whose text does not change keeps its
# time stamp, so a rewrite of another source does not rebuild anything. Call
# spice_rewrite from the directory that created <target>, after its sources
# are added.
#
# The tool gets the target's standard, include directories, compile
# definitions and compile options, entries under $<COMPILE_LANGUAGE:CXX>
# included, through a response file (no argument may hold `"` or `\`), and
# -Wno-unknown-warning-option: it parses with Clang, the target may be built
# with GCC. compile_commands.json keeps entries for the original sources
# through the object library <target>_spice_originals (EXCLUDE_FROM_ALL).
#
# Needs the targets Spice::spice-rewrite and Spice::runtime: from
# find_package(Spice CONFIG) or from add_subdirectory(<spice source dir>).
include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.20)
  # DEPFILE under Makefile generators and CMP0116 arrived in 3.20.
  message(FATAL_ERROR "spice_rewrite() needs CMake 3.20 or newer")
endif()

# The -std= flag that the target's compilations use: the highest of its
# CXX_STANDARD and the cxx_std_NN features it or its dependencies ask for,
# at least 17 (Spice::runtime asks for cxx_std_17). gnu++ unless the target
# turns CXX_EXTENSIONS off, as CMake does.
function(_spice_rewrite_std_flag target out_var)
  set(std "$<TARGET_PROPERTY:${target},CXX_STANDARD>")
  set(features "$<TARGET_PROPERTY:${target},COMPILE_FEATURES>")
  # CXX_STANDARD 98 sorts above 26 as a number: count it as nothing.
  set(std_num "$<IF:$<STREQUAL:${std},98>,0,$<IF:$<BOOL:${std}>,${std},0>>")
  set(level 17)
  foreach(candidate 20 23 26)
    set(level "$<IF:$<OR:$<IN_LIST:cxx_std_${candidate},${features}>,$<VERSION_GREATER_EQUAL:${std_num},${candidate}>>,${candidate},${level}>")
  endforeach()
  set(ext "$<TARGET_PROPERTY:${target},CXX_EXTENSIONS>")
  set(dialect "$<IF:$<OR:$<STREQUAL:${ext},>,$<BOOL:${ext}>>,gnu++,c++>")
  set(${out_var} "-std=${dialect}${level}" PARENT_SCOPE)
endfunction()

# Where the rewritten copy of `source` (absolute) goes.
function(_spice_rewrite_output target source out_var)
  set(base "${CMAKE_CURRENT_BINARY_DIR}/spice_rewrite/${target}")
  file(RELATIVE_PATH rel "${CMAKE_CURRENT_SOURCE_DIR}" "${source}")
  if(rel MATCHES "^\\.\\./" OR IS_ABSOLUTE "${rel}")
    file(RELATIVE_PATH rel "${CMAKE_CURRENT_BINARY_DIR}" "${source}")
    if(rel MATCHES "^\\.\\./" OR IS_ABSOLUTE "${rel}")
      # Outside both trees: one directory per source directory.
      get_filename_component(dir "${source}" DIRECTORY)
      get_filename_component(name "${source}" NAME)
      string(MD5 hash "${dir}")
      string(SUBSTRING "${hash}" 0 12 hash)
      set(rel "_external/${hash}/${name}")
    else()
      set(rel "_build/${rel}")
    endif()
  endif()
  set(${out_var} "${base}/${rel}" PARENT_SCOPE)
endfunction()

function(spice_rewrite target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "spice_rewrite: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "spice_rewrite: ${target} is not a target")
  endif()
  get_target_property(aliased ${target} ALIASED_TARGET)
  if(aliased)
    set(target ${aliased})
  endif()
  get_target_property(imported ${target} IMPORTED)
  get_target_property(type ${target} TYPE)
  if(imported OR NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
    message(FATAL_ERROR "spice_rewrite: ${target} must be an executable or a library "
                        "built here (it is ${type})")
  endif()
  get_target_property(target_dir ${target} SOURCE_DIR)
  if(NOT target_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    # Custom command outputs are only visible to targets of their directory.
    message(FATAL_ERROR "spice_rewrite: call it in the directory that created "
                        "${target} (${target_dir})")
  endif()
  foreach(needed Spice::spice-rewrite Spice::runtime)
    if(NOT TARGET ${needed})
      message(FATAL_ERROR "spice_rewrite: there is no ${needed} target: use "
                          "find_package(Spice CONFIG REQUIRED) or "
                          "add_subdirectory() of spice first")
    endif()
  endforeach()

  # The target's sources, absolute, next to how SOURCES spells them.
  get_target_property(target_sources ${target} SOURCES)
  if(NOT target_sources)
    set(target_sources "")
  endif()
  set(spelled "")
  set(absolute "")
  foreach(src IN LISTS target_sources)
    if(src MATCHES "\\$<") # generator expressions stay as they are
      continue()
    endif()
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${target_dir}")
    if(NOT EXISTS "${abs}")
      get_source_file_property(generated "${src}" GENERATED)
      if(generated)
        get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
      endif()
    endif()
    list(APPEND spelled "${src}")
    list(APPEND absolute "${abs}")
  endforeach()

  # Sources an earlier call rewrote, and the copies it added.
  get_target_property(done ${target} SPICE_REWRITTEN_SOURCES)
  get_target_property(copies ${target} SPICE_REWRITE_OUTPUTS)
  foreach(var done copies)
    if(NOT ${var})
      set(${var} "")
    endif()
  endforeach()

  set(todo "")
  if(DEFINED arg_SOURCES)
    foreach(src IN LISTS arg_SOURCES)
      get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${target_dir}")
      if(NOT abs IN_LIST absolute)
        message(FATAL_ERROR "spice_rewrite: ${src} is not a source of ${target}")
      endif()
      list(APPEND todo "${abs}")
    endforeach()
  else()
    foreach(src abs IN ZIP_LISTS spelled absolute)
      get_source_file_property(lang "${src}" LANGUAGE)
      get_source_file_property(header_only "${src}" HEADER_FILE_ONLY)
      get_filename_component(ext "${abs}" LAST_EXT)
      string(REGEX REPLACE "^\\." "" ext "${ext}")
      if(header_only OR abs IN_LIST done OR abs IN_LIST copies)
        continue()
      endif()
      if(lang STREQUAL "CXX" OR (NOT lang AND ext IN_LIST CMAKE_CXX_SOURCE_FILE_EXTENSIONS))
        list(APPEND todo "${abs}")
      endif()
    endforeach()
  endif()
  list(REMOVE_DUPLICATES todo)

  # What the tool parses with (after `--`): the same standard, include
  # directories, definitions and options as the compilation of the copy. A
  # custom command cannot evaluate $<COMPILE_LANGUAGE:CXX>, file(GENERATE)
  # can: it writes them, evaluated for CXX, into a response file (rewritten
  # only when it changes; the rewrites depend on it). One argument per line,
  # quoted: an argument may hold spaces but not `"` or `\`.
  set(incs "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(defs "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  set(opts "$<TARGET_PROPERTY:${target},COMPILE_OPTIONS>")
  _spice_rewrite_std_flag(${target} std_flag)
  set(rsp_dir "${CMAKE_CURRENT_BINARY_DIR}/spice_rewrite")
  get_target_property(rsp_done ${target} SPICE_REWRITE_RSP)
  if(NOT rsp_done)
    set_property(TARGET ${target} PROPERTY SPICE_REWRITE_RSP ON)
    file(GENERATE
      OUTPUT "${rsp_dir}/${target}-$<CONFIG>-$<COMPILE_LANGUAGE>.rsp"
      CONTENT "\"${std_flag}\"
$<$<BOOL:${defs}>:\"-D$<JOIN:${defs},\"\n\"-D>\"\n>\
$<$<BOOL:${incs}>:\"-I$<JOIN:${incs},\"\n\"-I>\"\n>\
$<$<BOOL:${opts}>:\"$<JOIN:${opts},\"\n\">\"\n>\
-Wno-unknown-warning-option
"
      TARGET ${target})
  endif()
  set(rsp "${rsp_dir}/${target}-$<CONFIG>-CXX.rsp")
  set(tool "$<TARGET_FILE:Spice::spice-rewrite>")

  # Rewritten headers: first on the include path of the whole target. The
  # tool drops this directory from its own parse (it reads the originals).
  set(header_dir "${CMAKE_CURRENT_BINARY_DIR}/spice_headers/${target}")
  file(MAKE_DIRECTORY "${header_dir}")
  get_target_property(has_header_dir ${target} SPICE_REWRITE_HEADER_DIR)
  if(NOT has_header_dir)
    target_include_directories(${target} BEFORE PRIVATE "${header_dir}")
    set_property(TARGET ${target} PROPERTY SPICE_REWRITE_HEADER_DIR "${header_dir}")
  endif()

  set(keep "${target_sources}")
  set(added "")
  foreach(abs IN LISTS todo)
    if(abs IN_LIST done)
      message(FATAL_ERROR "spice_rewrite: ${abs} of ${target} is rewritten already")
    endif()
    list(FIND absolute "${abs}" at)
    list(GET spelled ${at} src)
    _spice_rewrite_output(${target} "${abs}" out)
    get_filename_component(out_dir "${out}" DIRECTORY)
    get_filename_component(src_dir "${abs}" DIRECTORY)
    file(RELATIVE_PATH shown "${PROJECT_SOURCE_DIR}" "${abs}")
    file(MAKE_DIRECTORY "${out_dir}")

    # Per-source settings of the original apply to the copy (and the parse).
    set(src_defs "")
    set(src_incs "")
    set(src_opts "")
    foreach(prop COMPILE_DEFINITIONS INCLUDE_DIRECTORIES COMPILE_OPTIONS)
      get_source_file_property(value "${src}" ${prop})
      if(value)
        set_property(SOURCE "${out}" APPEND PROPERTY ${prop} "${value}")
        if(prop STREQUAL "COMPILE_DEFINITIONS")
          list(TRANSFORM value PREPEND "-D" OUTPUT_VARIABLE src_defs)
        elseif(prop STREQUAL "INCLUDE_DIRECTORIES")
          list(TRANSFORM value PREPEND "-I" OUTPUT_VARIABLE src_incs)
        else()
          set(src_opts "${value}")
        endif()
      endif()
    endforeach()

    # CMP0116 NEW: CMake translates the depfile for Ninja. Under OLD, Ninja
    # reads it as it is, wants the output named as in build.ninja (relative),
    # finds the tool's absolute path instead and reruns the rewrite always.
    cmake_policy(PUSH)
    cmake_policy(SET CMP0116 NEW)
    add_custom_command(
      OUTPUT "${out}"
      COMMAND "${tool}" "${abs}" -o "${out}" --depfile "${out}.d"
              --header-dir "${header_dir}"
              -- "@${rsp}" ${src_defs} ${src_incs} ${src_opts}
      DEPENDS "${abs}" Spice::spice-rewrite "${tool}" "${rsp}"
      DEPFILE "${out}.d"
      COMMENT "spice-rewrite ${shown}"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    cmake_policy(POP)

    # Quoted #includes of the original resolve next to it, not next to the
    # copy: search the original's directory for them too, after the
    # rewritten headers (a quoted include of one finds its copy).
    set_property(SOURCE "${out}" APPEND PROPERTY COMPILE_OPTIONS
                 "-iquote" "${header_dir}" "-iquote" "${src_dir}")
    list(REMOVE_ITEM keep "${src}")
    list(APPEND added "${out}")
    set_property(TARGET ${target} APPEND PROPERTY SPICE_REWRITTEN_SOURCES "${abs}")
    set_property(TARGET ${target} APPEND PROPERTY SPICE_REWRITE_OUTPUTS "${out}")
  endforeach()

  set_property(TARGET ${target} PROPERTY SOURCES ${keep} ${added})

  # compile_commands.json: the copies replace the originals in <target>, so
  # an object library, only built on request, compiles the originals with
  # <target>'s settings and gives them entries for clangd and clang-tidy.
  set(originals "${target}_spice_originals")
  if(todo AND NOT TARGET ${originals})
    add_library(${originals} OBJECT EXCLUDE_FROM_ALL)
    set_target_properties(${originals} PROPERTIES
      INCLUDE_DIRECTORIES "${incs}"
      COMPILE_DEFINITIONS "${defs}"
      COMPILE_OPTIONS "${std_flag};${opts}")
  endif()
  if(todo)
    target_sources(${originals} PRIVATE ${todo})
  endif()

  # Link the runtime, as target_link_libraries(PRIVATE) would, without
  # clashing with whichever target_link_libraries signature the project uses.
  get_target_property(linked ${target} LINK_LIBRARIES)
  if(NOT linked OR NOT "Spice::runtime" IN_LIST linked)
    set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES Spice::runtime)
    if(type MATCHES "^(STATIC|OBJECT)_LIBRARY$")
      set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES
                   "$<LINK_ONLY:Spice::runtime>")
    endif()
  endif()
endfunction()
