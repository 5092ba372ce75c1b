build-lead/obj/multus/nadcache.o: src/multus/nadcache.c src/multus/log.h \
 src/util/macro.h src/multus/nadcache.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/util/err.h
src/multus/log.h:
src/util/macro.h:
src/multus/nadcache.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/util/err.h:
