build-lead/obj/multus/add.o: src/multus/add.c src/cni/cni.h \
 src/cni/result.h src/util/err.h src/util/macro.h src/cni/version.h \
 src/multus/api.h src/multus/multus.h src/cni/delegate.h src/cni/env.h \
 src/k8s/client.h src/k8s/kubeconfig.h src/multus/netconf.h \
 src/multus/log.h src/multus/plan.h src/netlink/nl.h src/multus/cache.h \
 src/multus/devinfo.h src/multus/netcheck.h src/multus/planner.h \
 src/multus/store.h src/multus/legacy.h src/util/inet.h
src/cni/cni.h:
src/cni/result.h:
src/util/err.h:
src/util/macro.h:
src/cni/version.h:
src/multus/api.h:
src/multus/multus.h:
src/cni/delegate.h:
src/cni/env.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan.h:
src/netlink/nl.h:
src/multus/cache.h:
src/multus/devinfo.h:
src/multus/netcheck.h:
src/multus/planner.h:
src/multus/store.h:
src/multus/legacy.h:
src/util/inet.h:
