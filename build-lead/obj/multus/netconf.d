build-lead/obj/multus/netconf.o: src/multus/netconf.c src/cni/cni.h \
 src/cni/version.h src/multus/netconf.h src/multus/log.h src/util/macro.h \
 src/util/err.h src/util/names.h
src/cni/cni.h:
src/cni/version.h:
src/multus/netconf.h:
src/multus/log.h:
src/util/macro.h:
src/util/err.h:
src/util/names.h:
