# Installing NormLab as a desktop application (cmake --install) and packaging it
# (cpack -G DEB). Lessons and translations are also compiled into the programs; the lessons
# file is installed as the example a teacher starts from (docs/lessons.md).
include(GNUInstallDirs)

install(TARGETS normlab normlab-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS tools/normlab_trace.py DESTINATION ${CMAKE_INSTALL_DATADIR}/normlab/tools)
install(FILES resources/lessons/lessons.json DESTINATION ${CMAKE_INSTALL_DATADIR}/normlab/lessons)
install(FILES resources/desktop/org.normlab.NormLab.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
configure_file(resources/desktop/org.normlab.NormLab.metainfo.xml.in
               ${CMAKE_CURRENT_BINARY_DIR}/org.normlab.NormLab.metainfo.xml @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/org.normlab.NormLab.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES resources/desktop/icons/org.normlab.NormLab.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 24 32 48 64 128 256 512)
  install(FILES resources/desktop/icons/${size}x${size}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
          RENAME org.normlab.NormLab.png)
endforeach()
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME normlab)
set(CPACK_PACKAGE_VENDOR "NormLab")
set(CPACK_PACKAGE_CONTACT "NormLab developers <normlab@normlab.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "workbench for understanding and debugging normalization layers")
# One string (separate arguments would become a list joined by semicolons).
set(CPACK_PACKAGE_DESCRIPTION "NormLab shows which elements share statistics in BatchNorm, \
InstanceNorm, LayerNorm, GroupNorm, RMSNorm and custom normalizations, computes statistics, \
outputs, gradients, running statistics and the inverse as PyTorch does, and debugs a model's \
normalization layers from print(model), a trace or a checkpoint.")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Dependencies from the programs' shared libraries (dpkg-shlibdeps); the trace script runs
# under the user's own Python and PyTorch.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3")
set(CPACK_STRIP_FILES ON)
include(CPack)
