build-lead/obj/cni/error.o: src/cni/error.c src/cni/cni.h \
 src/cni/version.h
src/cni/cni.h:
src/cni/version.h:
