build-lead/obj/multus/plan.o: src/multus/plan.c src/cni/cni.h \
 src/multus/plan.h src/cni/env.h src/util/err.h src/util/macro.h \
 src/multus/netconf.h src/multus/log.h src/multus/plan_int.h \
 src/util/names.h
src/cni/cni.h:
src/multus/plan.h:
src/cni/env.h:
src/util/err.h:
src/util/macro.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan_int.h:
src/util/names.h:
