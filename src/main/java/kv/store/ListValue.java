package kv.store;

import kv.util.BulkSink;

/**
 * A list value, whatever its encoding ({@link PackedList} "listpack" or {@link QuickList}
 * "quicklist"). Indexes are 0-based and in range (commands resolve negative ones first).
 * Encoding changes go through {@link ListEncoding}, which returns the value to store.
 */
public interface ListValue extends CompoundValue {
    /** Receives elements in place (no copy); returns false to stop. */
    interface ElementVisitor {
        boolean element(byte[] buf, int off, int len);
    }

    long size();

    byte[] get(long index);

    /** {@code fill} is list-max-listpack-size, which sizes quicklist nodes. */
    void set(long index, byte[] value, int fill);

    void push(boolean head, byte[] value, int fill);

    /** The removed head or tail element, or null if empty. */
    byte[] pop(boolean head);

    /**
     * Removes the head or tail element and writes it to {@code out} straight from where it lies
     * (no copy); false, with nothing written, if the list is empty.
     */
    boolean popTo(boolean head, BulkSink out);

    /** Inserts {@code value} so that it becomes element {@code index} (0..size). */
    void insert(long index, byte[] value, int fill);

    /**
     * Removes elements equal to {@code value}: at most {@code limit} from the head when positive,
     * at most {@code -limit} from the tail when negative, all when 0. Returns how many.
     */
    long removeMatching(byte[] value, long limit);

    /** Keeps the {@code keep} elements from index {@code from} and drops the others. */
    void trim(long from, long keep);

    /** Visits elements from {@code from} towards the tail (forward) or the head. */
    void visit(long from, boolean forward, ElementVisitor visitor);
}
