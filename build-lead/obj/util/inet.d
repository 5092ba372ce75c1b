build-lead/obj/util/inet.o: src/util/inet.c src/util/inet.h \
 src/util/macro.h
src/util/inet.h:
src/util/macro.h:
