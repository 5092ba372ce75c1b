build-lead/obj/main.o: src/main.c src/cni/version.h src/daemon/daemon.h \
 src/install/install.h src/util/err.h src/util/macro.h src/multus/cmd.h
src/cni/version.h:
src/daemon/daemon.h:
src/install/install.h:
src/util/err.h:
src/util/macro.h:
src/multus/cmd.h:
