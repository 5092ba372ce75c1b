build-lead/obj/multus/store.o: src/multus/store.c src/cni/cni.h \
 src/multus/store.h src/multus/legacy.h src/multus/plan.h src/cni/env.h \
 src/util/err.h src/util/macro.h src/multus/netconf.h src/multus/log.h \
 src/util/atomic.h src/util/fileio.h src/util/names.h
src/cni/cni.h:
src/multus/store.h:
src/multus/legacy.h:
src/multus/plan.h:
src/cni/env.h:
src/util/err.h:
src/util/macro.h:
src/multus/netconf.h:
src/multus/log.h:
src/util/atomic.h:
src/util/fileio.h:
src/util/names.h:
