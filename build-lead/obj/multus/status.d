build-lead/obj/multus/status.o: src/multus/status.c src/cni/cni.h \
 src/multus/multus.h src/cni/delegate.h src/util/err.h src/util/macro.h \
 src/cni/env.h src/k8s/client.h src/k8s/kubeconfig.h src/multus/netconf.h \
 src/multus/log.h src/multus/plan.h src/netlink/nl.h src/multus/planner.h \
 src/multus/netcheck.h
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
src/multus/planner.h:
src/multus/netcheck.h:
