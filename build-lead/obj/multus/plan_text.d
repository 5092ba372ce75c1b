build-lead/obj/multus/plan_text.o: src/multus/plan_text.c \
 src/multus/plan.h src/cni/env.h src/util/err.h src/util/macro.h \
 src/multus/netconf.h src/multus/log.h src/multus/plan_int.h
src/multus/plan.h:
src/cni/env.h:
src/util/err.h:
src/util/macro.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan_int.h:
