build-lead/obj/k8s/http.o: src/k8s/http.c src/k8s/client.h \
 src/k8s/kubeconfig.h src/util/err.h src/util/macro.h src/k8s/curl_dl.h \
 src/k8s/http.h
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/util/err.h:
src/util/macro.h:
src/k8s/curl_dl.h:
src/k8s/http.h:
