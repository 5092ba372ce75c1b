build-lead/obj/multus/api.o: src/multus/api.c src/cni/cni.h \
 src/cni/result.h src/util/err.h src/util/macro.h src/k8s/kubeconfig.h \
 src/multus/api.h src/multus/multus.h src/cni/delegate.h src/cni/env.h \
 src/k8s/client.h src/multus/netconf.h src/multus/log.h src/multus/plan.h \
 src/netlink/nl.h src/util/names.h
src/cni/cni.h:
src/cni/result.h:
src/util/err.h:
src/util/macro.h:
src/k8s/kubeconfig.h:
src/multus/api.h:
src/multus/multus.h:
src/cni/delegate.h:
src/cni/env.h:
src/k8s/client.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan.h:
src/netlink/nl.h:
src/util/names.h:
