build-lead/obj/multus/devinfo.o: src/multus/devinfo.c src/cni/cni.h \
 src/k8s/kubelet.h src/util/err.h src/util/macro.h src/multus/devinfo.h \
 src/multus/multus.h src/cni/delegate.h src/cni/env.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/multus/netconf.h src/multus/log.h \
 src/multus/plan.h src/netlink/nl.h src/util/atomic.h src/util/fileio.h
src/cni/cni.h:
src/k8s/kubelet.h:
src/util/err.h:
src/util/macro.h:
src/multus/devinfo.h:
src/multus/multus.h:
src/cni/delegate.h:
src/cni/env.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan.h:
src/netlink/nl.h:
src/util/atomic.h:
src/util/fileio.h:
