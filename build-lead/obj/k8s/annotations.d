build-lead/obj/k8s/annotations.o: src/k8s/annotations.c \
 src/k8s/annotations.h src/util/err.h src/util/macro.h src/util/inet.h \
 src/util/names.h
src/k8s/annotations.h:
src/util/err.h:
src/util/macro.h:
src/util/inet.h:
src/util/names.h:
