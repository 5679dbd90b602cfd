package kv.store;

/**
 * A database's entries as of one instant, for a snapshot, taken in O(1): the tables keep their
 * slot arrays' content for it, copying a chunk of slots only before its first change
 * ({@link SlotCopies}), so neither taking it nor later writes stall the data thread on the
 * key count. Values are shared with the live tables: one changed in place later must be preserved
 * by whoever needs its old content (the snapshot's before-change hook). Walk it slot by slot,
 * on the data thread, then {@link #close} it.
 */
public final class FrozenDb {
    private final KeyTable mainTable;
    private final ExpireTable expiresTable;
    private final SlotCopies main;
    private final SlotCopies expires;
    private final int size;
    private final int expiring;

    FrozenDb(KeyTable main, ExpireTable expires) {
        this.mainTable = main;
        this.expiresTable = expires;
        this.size = main.size();
        this.expiring = expires.size();
        this.main = main.keepCopies();
        this.expires = expiring == 0 ? null : expires.keepCopies();
    }

    /** Keys at the time of the copy (some may be past their TTL). */
    public int size() {
        return size;
    }

    /** Keys with a TTL at the time of the copy. */
    public int expiring() {
        return expiring;
    }

    /** Slot numbers are below this: the current table's, then the old table's of a resize. */
    public int slots() {
        return main.tables() == 1 ? main.length(0) : main.length(0) + main.length(1);
    }

    private int table(int slot) {
        return slot < main.length(0) ? 0 : 1;
    }

    private int local(int slot) {
        return slot < main.length(0) ? slot : slot - main.length(0);
    }

    /** The key in {@code slot}, or null for an empty slot. */
    public byte[] keyAt(int slot) {
        return main.keyAt(table(slot), local(slot));
    }

    public Object valueAt(int slot) {
        int a = table(slot);
        int i = local(slot);
        return KeyTable.valueOf(main.slab(), main.refAt(a, i), main.valueAt(a, i));
    }

    /** The expiry (unix ms) of the key in {@code slot}, or -1. */
    public long expireAt(int slot) {
        if (expires == null) {
            return -1;
        }
        long ref = main.refAt(table(slot), local(slot));
        KeySlab s = main.slab();
        long at = expires.find(s.pageOf(ref), KeySlab.keyOffset(ref), s.keyLength(ref));
        return at < 0 ? -1 : expires.longAt((int) (at >>> 31), (int) (at & Integer.MAX_VALUE));
    }

    /**
     * The walk has read {@code slot} and every slot before it: the chunks entirely behind it need
     * no copy any more. Call it for each slot in order.
     */
    public void passed(int slot) {
        int a = table(slot);
        int i = local(slot);
        if (((i + 1) & 4095) == 0 || i + 1 == main.length(a)) {
            main.release(a, i);
        }
    }

    /**
     * Heap bytes held for this copy alone: the slot chunks copied because of writes since the freeze,
     * not yet released, and the slab pages of a table flushed since (kept only for this copy).
     */
    public long copiedBytes() {
        return main.copiedBytes() + heldAlone(mainTable, main)
                + (expires == null ? 0 : expires.copiedBytes() + heldAlone(expiresTable, expires));
    }

    private static long heldAlone(SlabKeyTable table, SlotCopies copies) {
        return table.slab() == copies.slab() ? 0 : copies.slab().pageBytes();
    }

    /** Stops keeping copies (idempotent). */
    public void close() {
        mainTable.dropCopies(main);
        if (expires != null) {
            expiresTable.dropCopies(expires);
        }
    }
}
