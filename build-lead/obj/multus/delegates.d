build-lead/obj/multus/delegates.o: src/multus/delegates.c src/cni/cni.h \
 src/cni/exec.h src/util/err.h src/util/macro.h src/multus/devinfo.h \
 src/multus/multus.h src/cni/delegate.h src/cni/env.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/multus/netconf.h src/multus/log.h \
 src/multus/plan.h src/netlink/nl.h src/multus/firewall.h \
 src/netlink/nft.h src/multus/netcheck.h src/multus/store.h \
 src/multus/legacy.h
src/cni/cni.h:
src/cni/exec.h:
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
src/multus/firewall.h:
src/netlink/nft.h:
src/multus/netcheck.h:
src/multus/store.h:
src/multus/legacy.h:
