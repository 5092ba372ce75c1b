build-lead/obj/k8s/client.o: src/k8s/client.c src/k8s/client.h \
 src/k8s/kubeconfig.h src/util/err.h src/util/macro.h src/k8s/http.h \
 src/util/names.h
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/util/err.h:
src/util/macro.h:
src/k8s/http.h:
src/util/names.h:
