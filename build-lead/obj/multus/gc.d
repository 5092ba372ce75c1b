build-lead/obj/multus/gc.o: src/multus/gc.c src/cni/cni.h \
 src/multus/log.h src/util/macro.h src/multus/multus.h src/cni/delegate.h \
 src/util/err.h src/cni/env.h src/k8s/client.h src/k8s/kubeconfig.h \
 src/multus/netconf.h src/multus/plan.h src/netlink/nl.h \
 src/multus/store.h src/multus/legacy.h
src/cni/cni.h:
src/multus/log.h:
src/util/macro.h:
src/multus/multus.h:
src/cni/delegate.h:
src/util/err.h:
src/cni/env.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/multus/netconf.h:
src/multus/plan.h:
src/netlink/nl.h:
src/multus/store.h:
src/multus/legacy.h:
