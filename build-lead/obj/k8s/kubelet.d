build-lead/obj/k8s/kubelet.o: src/k8s/kubelet.c src/k8s/kubelet.h \
 src/util/err.h src/util/macro.h src/util/fileio.h
src/k8s/kubelet.h:
src/util/err.h:
src/util/macro.h:
src/util/fileio.h:
