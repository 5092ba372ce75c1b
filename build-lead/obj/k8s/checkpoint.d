build-lead/obj/k8s/checkpoint.o: src/k8s/checkpoint.c src/k8s/kubelet.h \
 src/util/err.h src/util/macro.h
src/k8s/kubelet.h:
src/util/err.h:
src/util/macro.h:
