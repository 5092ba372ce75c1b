build-lead/obj/k8s/podresources.o: src/k8s/podresources.c \
 src/k8s/curl_dl.h src/util/err.h src/util/macro.h src/k8s/kubelet.h \
 build-lead/gen/k8s/podresources.pb-c.h
src/k8s/curl_dl.h:
src/util/err.h:
src/util/macro.h:
src/k8s/kubelet.h:
build-lead/gen/k8s/podresources.pb-c.h:
