build-lead/obj/install/autoconf.o: src/install/autoconf.c \
 src/install/install_int.h src/install/install.h src/util/err.h \
 src/util/macro.h src/multus/netconf.h src/multus/log.h src/util/fileio.h
src/install/install_int.h:
src/install/install.h:
src/util/err.h:
src/util/macro.h:
src/multus/netconf.h:
src/multus/log.h:
src/util/fileio.h:
