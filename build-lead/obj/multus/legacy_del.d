build-lead/obj/multus/legacy_del.o: src/multus/legacy_del.c \
 src/multus/devinfo.h src/multus/multus.h src/cni/delegate.h \
 src/util/err.h src/util/macro.h src/cni/env.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/multus/netconf.h src/multus/log.h \
 src/multus/plan.h src/netlink/nl.h src/multus/legacy.h
src/multus/devinfo.h:
src/multus/multus.h:
src/cni/delegate.h:
src/util/err.h:
src/util/macro.h:
src/cni/env.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan.h:
src/netlink/nl.h:
src/multus/legacy.h:
