build-lead/obj/multus/confdir.o: src/multus/confdir.c src/cni/cni.h \
 src/cni/delegate.h src/util/err.h src/util/macro.h src/multus/confdir.h \
 src/util/fileio.h
src/cni/cni.h:
src/cni/delegate.h:
src/util/err.h:
src/util/macro.h:
src/multus/confdir.h:
src/util/fileio.h:
