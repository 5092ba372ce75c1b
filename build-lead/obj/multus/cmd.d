build-lead/obj/multus/cmd.o: src/multus/cmd.c src/cni/cni.h \
 src/cni/version.h src/multus/cmd.h src/util/macro.h src/multus/log.h \
 src/multus/multus.h src/cni/delegate.h src/util/err.h src/cni/env.h \
 src/k8s/client.h src/k8s/kubeconfig.h src/multus/netconf.h \
 src/multus/plan.h src/netlink/nl.h
src/cni/cni.h:
src/cni/version.h:
src/multus/cmd.h:
src/util/macro.h:
src/multus/log.h:
src/multus/multus.h:
src/cni/delegate.h:
src/util/err.h:
src/cni/env.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/multus/netconf.h:
src/multus/plan.h:
src/netlink/nl.h:
