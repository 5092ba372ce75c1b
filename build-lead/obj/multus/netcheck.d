build-lead/obj/multus/netcheck.o: src/multus/netcheck.c src/cni/cni.h \
 src/cni/result.h src/util/err.h src/util/macro.h src/multus/netcheck.h \
 src/multus/plan.h src/cni/env.h src/multus/netconf.h src/multus/log.h \
 src/netlink/nl.h src/util/inet.h
src/cni/cni.h:
src/cni/result.h:
src/util/err.h:
src/util/macro.h:
src/multus/netcheck.h:
src/multus/plan.h:
src/cni/env.h:
src/multus/netconf.h:
src/multus/log.h:
src/netlink/nl.h:
src/util/inet.h:
