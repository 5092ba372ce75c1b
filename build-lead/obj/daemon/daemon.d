build-lead/obj/daemon/daemon.o: src/daemon/daemon.c src/daemon/daemon.h \
 src/daemon/daemon_int.h src/k8s/cache_proto.h src/util/err.h \
 src/util/macro.h src/k8s/client.h src/k8s/kubeconfig.h \
 src/install/install.h src/k8s/curl_dl.h src/util/names.h
src/daemon/daemon.h:
src/daemon/daemon_int.h:
src/k8s/cache_proto.h:
src/util/err.h:
src/util/macro.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/install/install.h:
src/k8s/curl_dl.h:
src/util/names.h:
