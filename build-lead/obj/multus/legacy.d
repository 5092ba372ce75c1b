build-lead/obj/multus/legacy.o: src/multus/legacy.c src/cni/cni.h \
 src/cni/delegate.h src/util/err.h src/util/macro.h src/cni/result.h \
 src/multus/legacy.h src/multus/plan.h src/cni/env.h src/multus/netconf.h \
 src/multus/log.h src/multus/multus.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/netlink/nl.h src/multus/store.h \
 src/util/base64.h src/util/fileio.h src/util/names.h
src/cni/cni.h:
src/cni/delegate.h:
src/util/err.h:
src/util/macro.h:
src/cni/result.h:
src/multus/legacy.h:
src/multus/plan.h:
src/cni/env.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/multus.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/netlink/nl.h:
src/multus/store.h:
src/util/base64.h:
src/util/fileio.h:
src/util/names.h:
