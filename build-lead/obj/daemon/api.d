build-lead/obj/daemon/api.o: src/daemon/api.c src/daemon/daemon_int.h \
 src/k8s/cache_proto.h src/util/err.h src/util/macro.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/k8s/curl_dl.h
src/daemon/daemon_int.h:
src/k8s/cache_proto.h:
src/util/err.h:
src/util/macro.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/k8s/curl_dl.h:
