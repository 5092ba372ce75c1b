build-lead/obj/install/options.o: src/install/options.c src/cni/version.h \
 src/install/install_int.h src/install/install.h src/util/err.h \
 src/util/macro.h src/multus/log.h
src/cni/version.h:
src/install/install_int.h:
src/install/install.h:
src/util/err.h:
src/util/macro.h:
src/multus/log.h:
