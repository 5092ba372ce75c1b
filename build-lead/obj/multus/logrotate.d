build-lead/obj/multus/logrotate.o: src/multus/logrotate.c \
 src/multus/log.h src/util/macro.h src/multus/logrotate.h
src/multus/log.h:
src/util/macro.h:
src/multus/logrotate.h:
