# Installation: the runtime library and its headers, spice-rewrite, and a
# package config so that find_package(Spice CONFIG) gives Spice::runtime,
# Spice::spice-rewrite and spice_rewrite(). Included by the top-level
# CMakeLists.txt after every subproject.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SPICE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Spice" CACHE STRING
    "Where the package config of spice is installed (relative to the prefix)")
set(SPICE_INSTALL_BINDIR "${CMAKE_INSTALL_BINDIR}")

# Exported as Spice::runtime, the name the in-tree alias has too.
set_target_properties(spice_runtime PROPERTIES EXPORT_NAME runtime)
install(TARGETS spice_runtime EXPORT SpiceTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# runtime/CMakeLists.txt points its INSTALL_INTERFACE at include/.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/spice
        DESTINATION include
        FILES_MATCHING PATTERN "*.h")

# The tool: tool/CMakeLists.txt installs the target spice-rewrite into the
# export set SpiceTargets. A prebuilt tool is installed as a program.
if(SPICE_REWRITE_EXECUTABLE)
  install(PROGRAMS "${SPICE_REWRITE_EXECUTABLE}"
          DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME spice-rewrite)
endif()

install(EXPORT SpiceTargets
        NAMESPACE Spice::
        FILE SpiceTargets.cmake
        DESTINATION ${SPICE_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/SpiceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SpiceConfig.cmake
  INSTALL_DESTINATION ${SPICE_INSTALL_CMAKEDIR}
  PATH_VARS SPICE_INSTALL_BINDIR)
# 0.x: a minor version may break the interface.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/SpiceConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
          ${PROJECT_BINARY_DIR}/SpiceConfig.cmake
          ${PROJECT_BINARY_DIR}/SpiceConfigVersion.cmake
          ${PROJECT_SOURCE_DIR}/cmake/SpiceRewrite.cmake
        DESTINATION ${SPICE_INSTALL_CMAKEDIR})
