build-lead/obj/install/files.o: src/install/files.c \
 src/install/install_int.h src/install/install.h src/util/err.h \
 src/util/macro.h src/k8s/curl_dl.h src/util/atomic.h
src/install/install_int.h:
src/install/install.h:
src/util/err.h:
src/util/macro.h:
src/k8s/curl_dl.h:
src/util/atomic.h:
