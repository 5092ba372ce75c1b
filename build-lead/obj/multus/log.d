build-lead/obj/multus/log.o: src/multus/log.c src/multus/log.h \
 src/util/macro.h src/multus/logrotate.h src/util/utctime.h
src/multus/log.h:
src/util/macro.h:
src/multus/logrotate.h:
src/util/utctime.h:
