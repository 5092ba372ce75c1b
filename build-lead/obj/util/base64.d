build-lead/obj/util/base64.o: src/util/base64.c src/util/base64.h \
 src/util/macro.h
src/util/base64.h:
src/util/macro.h:
