build-lead/obj/install/credentials.o: src/install/credentials.c \
 src/install/install_int.h src/install/install.h src/util/err.h \
 src/util/macro.h src/k8s/kubeconfig.h src/util/fileio.h
src/install/install_int.h:
src/install/install.h:
src/util/err.h:
src/util/macro.h:
src/k8s/kubeconfig.h:
src/util/fileio.h:
