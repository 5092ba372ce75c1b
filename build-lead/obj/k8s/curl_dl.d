build-lead/obj/k8s/curl_dl.o: src/k8s/curl_dl.c src/k8s/curl_dl.h \
 src/util/err.h src/util/macro.h
src/k8s/curl_dl.h:
src/util/err.h:
src/util/macro.h:
