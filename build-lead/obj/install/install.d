build-lead/obj/install/install.o: src/install/install.c \
 src/install/install.h src/util/err.h src/util/macro.h \
 src/install/install_int.h src/multus/netconf.h src/multus/log.h \
 src/util/fileio.h
src/install/install.h:
src/util/err.h:
src/util/macro.h:
src/install/install_int.h:
src/multus/netconf.h:
src/multus/log.h:
src/util/fileio.h:
