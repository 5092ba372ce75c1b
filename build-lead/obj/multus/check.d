build-lead/obj/multus/check.o: src/multus/check.c src/cni/cni.h \
 src/multus/multus.h src/cni/delegate.h src/util/err.h src/util/macro.h \
 src/cni/env.h src/k8s/client.h src/k8s/kubeconfig.h src/multus/netconf.h \
 src/multus/log.h src/multus/plan.h src/netlink/nl.h \
 src/multus/netcheck.h src/multus/store.h src/multus/legacy.h
src/cni/cni.h:
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
src/multus/netcheck.h:
src/multus/store.h:
src/multus/legacy.h:
