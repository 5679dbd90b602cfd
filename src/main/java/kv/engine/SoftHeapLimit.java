package kv.engine;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

/**
 * Keeps the collector's soft heap limit ({@code SoftMaxHeapSize}) a margin above the data, so the
 * heap, and the process's RSS, follow used_memory when {@code -Xmx} (derived from maxmemory) is far
 * above it. Without it generational Shenandoah lets the heap fill towards {@code -Xmx} between
 * cycles under overwrite churn and keeps every region it touched: 10M keys took 306 B of RSS a key
 * with maxmemory at twice the data, against 148 for redis-server.
 *
 * <p>The limit is soft: Shenandoah and ZGC start their cycles early enough to stay under it, but an
 * allocation beyond it still succeeds up to {@code -Xmx}, so a tight target costs collector cycles,
 * never an allocation failure. Lowering it also lets them give back the empty regions above it.
 * Inactive on collectors that ignore the flag (G1 on JDK 25, Serial, Parallel), in a native image,
 * and when the command line sets {@code SoftMaxHeapSize} itself.
 */
final class SoftHeapLimit {
    private static final String FLAG = "SoftMaxHeapSize";
    /**
     * The heap the server uses besides its data (classes' static state, Vert.x and Quarkus, buffers
     * and the garbage of a tick's commands); measured at about 40 MiB live on an empty server.
     */
    static final long FIXED_BYTES = 96L << 20;

    private final HotSpotDiagnosticMXBean vm;
    private final long maxHeap;
    private long current;

    private SoftHeapLimit(HotSpotDiagnosticMXBean vm, long maxHeap, long current) {
        this.vm = vm;
        this.maxHeap = maxHeap;
        this.current = current;
    }

    /** The limit for this JVM, or null when it has none to set (see the class comment). */
    static SoftHeapLimit forThisVm() {
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
            return null;
        }
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            VMOption flag = vm.getVMOption(FLAG);
            boolean honoured = enabled(vm, "UseShenandoahGC") || enabled(vm, "UseZGC");
            if (!honoured || !flag.isWriteable() || flag.getOrigin() == VMOption.Origin.VM_CREATION
                    || flag.getOrigin() == VMOption.Origin.ENVIRON_VAR || flag.getOrigin() == VMOption.Origin.CONFIG_FILE) {
                return null;
            }
            return new SoftHeapLimit(vm, Runtime.getRuntime().maxMemory(), Long.parseLong(flag.getValue()));
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static boolean enabled(HotSpotDiagnosticMXBean vm, String flag) {
        try {
            return "true".equals(vm.getVMOption(flag).getValue());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The soft limit for {@code usedMemory} bytes of data: half as much again as room for the
     * collector (the garbage of overwrites and of a table's growth, collected concurrently), plus
     * the server's own heap; at most the whole heap.
     */
    static long target(long usedMemory, long maxHeap) {
        return Math.min(maxHeap, usedMemory + usedMemory / 2 + FIXED_BYTES);
    }

    /** Moves the limit to follow {@code usedMemory}; a change under 1/16 of it is not worth a flag write. */
    void follow(long usedMemory) {
        long target = target(usedMemory, maxHeap);
        if (Math.abs(target - current) < current / 16 && target != maxHeap) {
            return;
        }
        if (target == current) {
            return;
        }
        try {
            vm.setVMOption(FLAG, Long.toString(target));
            current = target;
        } catch (RuntimeException e) {
            // a VM that refuses it keeps its own limit
        }
    }
}
