build-lead/obj/k8s/kubeconfig.o: src/k8s/kubeconfig.c src/k8s/credfile.h \
 src/util/fileio.h src/k8s/kubeconfig.h src/util/err.h src/util/macro.h \
 src/util/base64.h
src/k8s/credfile.h:
src/util/fileio.h:
src/k8s/kubeconfig.h:
src/util/err.h:
src/util/macro.h:
src/util/base64.h:
