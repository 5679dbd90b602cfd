package kv.store;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A hash. Small hashes are one packed byte array of field/value pairs ("listpack"): each entry is
 * a varint of the field length plus one (so no entry starts with a zero byte), the field, a varint
 * value length and the value. The entries may be followed by zero bytes of room for appends (a
 * zero byte where an entry would start ends them): a field added to an existing hash goes into
 * that room in place, and a full array grows by a quarter, as an allocator's size classes leave
 * room in Redis' listpack. Once a field-expiration
 * command touched the hash, every entry also carries an 8-byte expiry time (0: none) and the
 * entries are kept in Redis 8's "listpackex" order: fields with a TTL first, by ascending time,
 * then the fields without one, in insertion order. Past hash-max-listpack-entries fields, or a
 * field or value longer than hash-max-listpack-value bytes, the hash becomes a {@link
 * HashFieldTable} ("hashtable") for good, as in Redis.
 *
 * <p>Expiry is not judged here: callers remove due fields first ({@link #expireDue}) and then see
 * a hash without expired fields.
 */
public final class HashValue implements CompoundValue {
    /** {@link #ttl}: the field does not exist. */
    public static final long NO_FIELD = -2;
    /** {@link #ttl}: the field has no TTL. */
    public static final long NO_TTL = -1;
    /** {@link #nextExpiry} when no field has a TTL. */
    public static final long NEVER = Long.MAX_VALUE;

    /** Object header and the one reference ({@link #repr}). */
    private static final long SHALLOW = Memory.align(12 + 4);
    /** The packed entries start at once: no header (the count is walked, at most a few hundred entries). */
    private static final int HEADER = 0;
    private static final byte[] NO_ENTRIES = new byte[0];

    /**
     * The encoding, told by the class of this one field so a small hash costs one object and its
     * array: a {@code byte[]} is "listpack" (the entries, at exact length), a {@link TtlPacked}
     * "listpackex" (entries carrying expiry times), a {@link Big} "hashtable". Packed arrays are
     * never changed once another one replaced them, and never shared between values (the empty
     * one excepted: it has nothing to change).
     */
    private Object repr = NO_ENTRIES;

    /** The "listpackex" form: packed entries that each carry an 8-byte expiry time (0: none). */
    private static final class TtlPacked {
        byte[] bytes;

        TtlPacked(byte[] bytes) {
            this.bytes = bytes;
        }

        static final long SHALLOW = Memory.align(12 + 4);
    }

    /** The packed entries (either packed form), or null for a table. */
    private byte[] packed() {
        Object r = repr;
        if (r instanceof byte[]) {
            return (byte[]) r;
        }
        return r instanceof TtlPacked ? ((TtlPacked) r).bytes : null;
    }

    private void packed(byte[] b) {
        if (repr instanceof TtlPacked) {
            ((TtlPacked) repr).bytes = b;
        } else {
            repr = b;
        }
    }

    private Big big() {
        return (Big) repr;
    }

    /** The "hashtable" form, with what field TTLs need. */
    private static final class Big {
        final HashFieldTable table = new HashFieldTable();
        /** Fields that currently have a TTL. */
        int ttlCount;
        /** Expiry order of the table's fields; null while no field has a TTL. */
        TtlHeap heap;

        static final long SHALLOW = Memory.align(12 + 4 + 4 + 4);
    }

    private boolean withTtl() {
        return repr instanceof TtlPacked;
    }

    /** Bytes of room kept when a packed array grows: a quarter, so a hash growing by HSET reallocates every few fields, not on each. */
    private static int grown(int needed) {
        return needed + (needed >> 2);
    }

    /** Entries of the packed form, walked. */
    private int count() {
        int n = 0;
        Entry e = new Entry();
        for (boolean ok = e.at(HEADER); ok; ok = e.next()) {
            n++;
        }
        return n;
    }

    /** Receives one field/value pair as array slices (no copies of packed data). */
    public interface PairVisitor {
        void visit(byte[] f, int fOff, int fLen, byte[] v, int vOff, int vLen);
    }

    /** Receives the name of a field removed by expiry. */
    public interface FieldSink {
        void accept(byte[] field);
    }

    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public String encoding() {
        return packed() == null ? "hashtable" : withTtl() ? "listpackex" : "listpack";
    }

    @Override
    public long heapBytes() {
        Object r = repr;
        if (r instanceof byte[]) {
            return SHALLOW + Memory.arrayBytes(((byte[]) r).length);
        }
        if (r instanceof TtlPacked) {
            return SHALLOW + TtlPacked.SHALLOW + Memory.arrayBytes(((TtlPacked) r).bytes.length);
        }
        Big big = (Big) r;
        return SHALLOW + Big.SHALLOW + big.table.heapBytes() + (big.heap == null ? 0 : big.heap.heapBytes());
    }

    @Override
    public boolean isEmpty() {
        byte[] p = packed();
        return p != null ? p.length == 0 || p[0] == 0 : big().table.size() == 0;
    }

    public int size() {
        return packed() != null ? count() : big().table.size();
    }

    public boolean isPacked() {
        return packed() != null;
    }

    @Override
    public HashValue copy() {
        HashValue c = new HashValue();
        Object r = repr;
        if (r instanceof byte[]) {
            c.repr = ((byte[]) r).clone();
            return c;
        }
        if (r instanceof TtlPacked) {
            c.repr = new TtlPacked(((TtlPacked) r).bytes.clone());
            return c;
        }
        Big copy = new Big();
        c.repr = copy;
        if (big().table.ttlsEnabled()) {
            copy.table.enableTtls();
        }
        forEachWithTtl((f, v, when) -> {
            copy.table.put(f, v);
            if (when != HashFieldTable.NO_TTL) {
                c.setTableTtl(copy.table.find(f), when);
            }
        });
        return c;
    }

    // ---- packed entry layout ----

    /** A decoded packed entry: offsets into the packed array. */
    private final class Entry {
        int start;
        int fOff;
        int fLen;
        int vOff;
        int vLen;
        int end;
        /** The packed array (and its form) the offsets refer to, read afresh by each {@link #at}. */
        byte[] b;
        boolean ttl;

        /** Decodes the entry at {@code o}; false past the last one. */
        boolean at(int o) {
            b = packed();
            ttl = withTtl();
            if (o >= b.length || b[o] == 0) {
                return false;
            }
            start = o;
            long fl = readVarint(b, o);
            fLen = (int) (fl >>> 3) - 1;
            fOff = o + (int) (fl & 7);
            long vl = readVarint(b, fOff + fLen);
            vLen = (int) (vl >>> 3);
            vOff = fOff + fLen + (int) (vl & 7);
            end = vOff + vLen + (ttl ? 8 : 0);
            return true;
        }

        boolean next() {
            return at(end);
        }

        long when() {
            return ttl ? readLong(b, end - 8) : HashFieldTable.NO_TTL;
        }

        byte[] field() {
            return Arrays.copyOfRange(b, fOff, fOff + fLen);
        }

        byte[] value() {
            return Arrays.copyOfRange(b, vOff, vOff + vLen);
        }
    }

    private static int varintSize(int v) {
        return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
    }

    private static int writeVarint(byte[] b, int o, int v) {
        while (v >= 0x80) {
            b[o++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        b[o++] = (byte) v;
        return o;
    }

    /** The varint at {@code o}: value in the high bits, its byte count in the low 3. */
    private static long readVarint(byte[] b, int o) {
        int v = 0;
        int shift = 0;
        int i = o;
        while (true) {
            int x = b[i++];
            v |= (x & 0x7f) << shift;
            if (x >= 0) {
                break;
            }
            shift += 7;
        }
        return ((long) v << 3) | (i - o);
    }

    private static long readLong(byte[] b, int o) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[o + i] & 0xff);
        }
        return v;
    }

    private static void writeLong(byte[] b, int o, long v) {
        for (int i = 7; i >= 0; i--) {
            b[o + i] = (byte) v;
            v >>>= 8;
        }
    }

    private int entrySize(int fLen, int vLen) {
        return varintSize(fLen + 1) + fLen + varintSize(vLen) + vLen + (withTtl() ? 8 : 0);
    }

    /** Writes the entry (field, value, when) at {@code from} of {@code b}. */
    private void writeEntry(byte[] b, int from, byte[] f, int fOff, int fLen, byte[] v, int vOff, int vLen, long when) {
        int o = writeVarint(b, from, fLen + 1);
        System.arraycopy(f, fOff, b, o, fLen);
        o = writeVarint(b, o + fLen, vLen);
        System.arraycopy(v, vOff, b, o, vLen);
        if (withTtl()) {
            writeLong(b, o + vLen, when);
        }
    }

    /** Where the packed entries end (the room after them excluded). */
    private int usedLength() {
        byte[] b = packed();
        if (b.length == 0 || b[b.length - 1] != 0) {
            return b.length; // no room: the last entry ends the array
        }
        int end = HEADER;
        Entry e = new Entry();
        for (boolean ok = e.at(HEADER); ok; ok = e.next()) {
            end = e.end;
        }
        return end;
    }

    /**
     * Replaces bytes [from, to) of the packed entries by the entry (field, value, when), or by
     * nothing if {@code f} is null, in a new array of exactly the entries' size.
     */
    private void splice(int from, int to, byte[] f, int fOff, int fLen, byte[] v, int vOff, int vLen, long when) {
        byte[] old = packed();
        int used = usedLength();
        int size = f == null ? 0 : entrySize(fLen, vLen);
        byte[] b = new byte[used - (to - from) + size];
        System.arraycopy(old, 0, b, 0, from);
        if (f != null) {
            writeEntry(b, from, f, fOff, fLen, v, vOff, vLen, when);
        }
        System.arraycopy(old, to, b, from + size, used - to);
        packed(b);
    }

    /**
     * Adds the entry (field, value, when) after the entries, which end at {@code used}: into the
     * array's room when it has enough (no new array, no new reference for the collector to
     * track), else into a new array with room to spare.
     */
    private void append(int used, byte[] f, byte[] v, long when) {
        byte[] b = packed();
        int size = entrySize(f.length, v.length);
        if (used + size > b.length) {
            byte[] nb = new byte[used == 0 ? size : grown(used + size)];
            System.arraycopy(b, 0, nb, 0, used);
            packed(nb);
            b = nb;
        }
        writeEntry(b, used, f, 0, f.length, v, 0, v.length, when);
    }

    /** The packed entry holding {@code field}, or null. */
    private Entry findPacked(byte[] field) {
        long at = locate(packed(), withTtl(), field);
        if (at < 0) {
            return null;
        }
        Entry e = new Entry();
        e.at((int) at);
        return e;
    }

    /**
     * Where the entry of {@code field} starts in the packed entries {@code b} (each with an 8-byte
     * expiry time if {@code ttl}), or, if there is none, {@code ~(count << 32 | end)}: the number
     * of entries and where they end. The hot walk of HSET/HGET: it decodes one-byte lengths inline
     * and compares a field's last byte before the whole field (fields of one hash often share a
     * prefix, rarely their end).
     */
    private static long locate(byte[] b, boolean ttl, byte[] field) {
        int n = field.length;
        byte last = n == 0 ? 0 : field[n - 1];
        int tail = ttl ? 8 : 0;
        long count = 0;
        int o = HEADER;
        int fLen;
        while (o < b.length && (fLen = b[o]) != 0) {
            int fOff;
            if (fLen > 0) {
                fOff = o + 1;
                fLen--;
            } else {
                long fl = readVarint(b, o);
                fLen = (int) (fl >>> 3) - 1;
                fOff = o + (int) (fl & 7);
            }
            if (fLen == n && (n == 0 || b[fOff + n - 1] == last) && Arrays.equals(b, fOff, fOff + n, field, 0, n)) {
                return o;
            }
            int vAt = fOff + fLen;
            int vLen = b[vAt];
            if (vLen >= 0) {
                o = vAt + 1 + vLen + tail;
            } else {
                long vl = readVarint(b, vAt);
                o = vAt + (int) (vl & 7) + (int) (vl >>> 3) + tail;
            }
            count++;
        }
        return ~(count << 32 | o);
    }

    /** Where an entry expiring at {@code when} goes in listpackex order. */
    private int sortedPosition(long when) {
        Entry e = new Entry();
        for (boolean ok = e.at(HEADER); ok; ok = e.next()) {
            long w = e.when();
            if (w == HashFieldTable.NO_TTL || w >= when) {
                return e.start;
            }
        }
        return usedLength();
    }

    /** Removes a packed entry and re-inserts it with expiry {@code when} at its listpackex place. */
    private void repositionPacked(Entry e, long when) {
        byte[] f = e.field();
        byte[] v = e.value();
        splice(e.start, e.end, null, 0, 0, null, 0, 0, 0);
        int at = when == HashFieldTable.NO_TTL ? usedLength() : sortedPosition(when);
        splice(at, at, f, 0, f.length, v, 0, v.length, when);
    }

    // ---- reading ----

    /** The value of {@code field}, or null. */
    public byte[] get(byte[] field) {
        if (packed() != null) {
            Entry e = findPacked(field);
            return e == null ? null : e.value();
        }
        int slot = big().table.find(field);
        return slot < 0 ? null : big().table.valueAt(slot);
    }

    public boolean contains(byte[] field) {
        return packed() != null ? findPacked(field) != null : big().table.find(field) >= 0;
    }

    /** Length of the value of {@code field}, 0 if absent (HSTRLEN). */
    public int valueLength(byte[] field) {
        if (packed() != null) {
            Entry e = findPacked(field);
            return e == null ? 0 : e.vLen;
        }
        int slot = big().table.find(field);
        return slot < 0 ? 0 : FieldEntry.valueLength(big().table.entryAt(slot));
    }

    /** Every pair, in the encoding's order. The visitor must not change the hash. */
    public void forEach(PairVisitor visitor) {
        if (packed() != null) {
            Entry e = new Entry();
            for (boolean ok = e.at(HEADER); ok; ok = e.next()) {
                visitor.visit(packed(), e.fOff, e.fLen, packed(), e.vOff, e.vLen);
            }
        } else {
            HashFieldTable t = big().table;
            t.forEachSlot(slot -> {
                byte[] e = t.entryAt(slot);
                int fLen = FieldEntry.fieldLength(e);
                int vOff = FieldEntry.valueOffset(e);
                visitor.visit(e, vOff - fLen, fLen, e, vOff, e.length - vOff);
            });
        }
    }

    /** Receives a pair with its expiry time (0: none); the arrays are copies. */
    public interface TtlPairVisitor {
        void visit(byte[] f, byte[] v, long when);
    }

    /** Every pair with its expiry time (0 when none): for copies and serialization. */
    public void forEachWithTtl(TtlPairVisitor visitor) {
        if (packed() != null) {
            Entry e = new Entry();
            for (boolean ok = e.at(HEADER); ok; ok = e.next()) {
                visitor.visit(e.field(), e.value(), e.when());
            }
        } else {
            HashFieldTable t = big().table;
            t.forEachSlot(slot -> visitor.visit(t.fieldAt(slot), t.valueAt(slot), t.ttlAt(slot)));
        }
    }

    /** Fields and values as arrays, in iteration order: [0] fields, [1] values. */
    public byte[][][] toArrays() {
        byte[][] fs = new byte[size()][];
        byte[][] vs = new byte[size()][];
        int[] i = {0};
        forEach((f, fo, fl, v, vo, vl) -> {
            fs[i[0]] = Arrays.copyOfRange(f, fo, fo + fl);
            vs[i[0]] = Arrays.copyOfRange(v, vo, vo + vl);
            i[0]++;
        });
        return new byte[][][] {fs, vs};
    }

    /**
     * One HSCAN call: a listpack returns everything at once (cursor 0, as Redis does); a table
     * steps through buckets until {@code count} items (fields and values each count, as in
     * Redis) were gathered, 10*count steps were taken or the walk ended. Adds field, value,
     * field, value... to {@code out}; returns the next cursor.
     */
    public long scan(long cursor, long count, java.util.List<byte[]> out) {
        if (packed() != null) {
            forEach((f, fo, fl, v, vo, vl) -> {
                out.add(Arrays.copyOfRange(f, fo, fo + fl));
                out.add(Arrays.copyOfRange(v, vo, vo + vl));
            });
            return 0;
        }
        HashFieldTable t = big().table;
        long maxSteps = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
        do {
            cursor = t.scanStep(cursor, slot -> {
                out.add(t.fieldAt(slot));
                out.add(t.valueAt(slot));
            });
        } while (cursor != 0 && maxSteps-- != 0 && out.size() < count);
        return cursor;
    }

    /** A uniformly chosen pair as {field, value}; the hash must not be empty. */
    public byte[][] randomPair(RandomGenerator random) {
        if (packed() != null) {
            int target = random.nextInt(count());
            Entry e = new Entry();
            e.at(HEADER);
            for (int i = 0; i < target; i++) {
                e.next();
            }
            return new byte[][] {e.field(), e.value()};
        }
        int slot = big().table.randomSlot(random);
        return new byte[][] {big().table.fieldAt(slot), big().table.valueAt(slot)};
    }

    // ---- changing (only between Db.modify and Db.modified, or on a value not yet stored) ----

    /**
     * Converts to "hashtable" now if any of the arguments {@code args[from..to]} a command is
     * about to store is longer than the value limit (Redis 7.0's hashTypeTryConversion; the
     * entry count is checked after each insertion). The arguments are field/value pairs: for
     * several pairs into an empty hash the packed array is sized for all of them at once.
     */
    public void prepareFor(byte[][] args, int from, int to, long maxValue) {
        if (packed() == null) {
            return;
        }
        int bytes = 0;
        for (int i = from; i <= to; i++) {
            if (args[i].length > maxValue) {
                convert();
                return;
            }
            if (((i - from) & 1) == 1) {
                bytes += entrySize(args[i - 1].length, args[i].length);
            }
        }
        if (to > from + 1 && isEmpty()) {
            // several pairs into a new hash: sized exactly, as if one array had been built for them
            packed(new byte[bytes]);
        }
    }

    /**
     * HSET semantics: sets {@code field} to {@code value}, removing any TTL it had; true if the
     * field is new. Converts past the listpack limits, as Redis' hashTypeSet.
     */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (packed() != null && (field.length > maxValue || value.length > maxValue)) {
            convert();
        }
        if (packed() != null) {
            // one walk both finds the field and, when it is absent, counts the entries and finds their end
            long at = locate(packed(), withTtl(), field);
            if (at < 0) {
                append((int) ~at, field, value, HashFieldTable.NO_TTL);
                if ((~at >>> 32) + 1 > maxEntries) {
                    convert();
                }
                return true;
            }
            Entry e = new Entry();
            e.at((int) at);
            if (e.when() != HashFieldTable.NO_TTL) {
                // a field that loses its TTL moves behind the volatile ones, as in Redis 8
                splice(e.start, e.end, null, 0, 0, null, 0, 0, 0);
                append(usedLength(), field, value, HashFieldTable.NO_TTL);
            } else if (e.vLen == value.length) {
                // the same length: rewritten where it lies
                System.arraycopy(value, 0, e.b, e.vOff, value.length);
            } else {
                splice(e.start, e.end, field, 0, field.length, value, 0, value.length, HashFieldTable.NO_TTL);
            }
            return false;
        }
        HashFieldTable t = big().table;
        if (big().ttlCount > 0) {
            int slot = t.find(field);
            if (slot >= 0 && t.ttlAt(slot) != HashFieldTable.NO_TTL) {
                big().ttlCount--;
            }
        }
        boolean added = t.put(field, value);
        releaseHeapIfUnused();
        return added;
    }

    /**
     * Sets {@code field} to {@code value} keeping any TTL it has (HINCRBY, HINCRBYFLOAT and
     * HSETEX KEEPTTL in Redis 8); true if the field is new.
     */
    public boolean setKeepTtl(byte[] field, byte[] value, long maxEntries, long maxValue) {
        long when = ttl(field);
        if (when < 0) {
            return set(field, value, maxEntries, maxValue);
        }
        if (packed() != null && (field.length > maxValue || value.length > maxValue)) {
            convert();
        }
        if (packed() != null) {
            Entry e = findPacked(field);
            splice(e.start, e.end, field, 0, field.length, value, 0, value.length, when);
        } else {
            big().table.put(field, value);
            big().table.setTtlAt(big().table.find(field), when);
        }
        return false;
    }

    /** Removes {@code field}; false if absent. */
    public boolean delete(byte[] field) {
        if (packed() != null) {
            Entry e = findPacked(field);
            if (e == null) {
                return false;
            }
            splice(e.start, e.end, null, 0, 0, null, 0, 0, 0);
            return true;
        }
        HashFieldTable t = big().table;
        int slot = t.find(field);
        if (slot < 0) {
            return false;
        }
        if (t.ttlAt(slot) != HashFieldTable.NO_TTL) {
            big().ttlCount--;
        }
        t.removeSlot(slot);
        releaseHeapIfUnused();
        return true;
    }

    /** Switches a listpack to "listpackex" (what Redis does when a field-expiration command meets it). */
    public void enableFieldTtls() {
        if (packed() != null && !withTtl()) {
            byte[][][] pairs = toArrays();
            repr = new TtlPacked(NO_ENTRIES);
            for (int i = 0; i < pairs[0].length; i++) {
                byte[] f = pairs[0][i];
                byte[] v = pairs[1][i];
                append(usedLength(), f, v, HashFieldTable.NO_TTL);
            }
        } else if (packed() == null) {
            big().table.enableTtls();
        }
    }

    /** Unix ms when {@code field} expires, {@link #NO_TTL} or {@link #NO_FIELD}. */
    public long ttl(byte[] field) {
        long w;
        if (packed() != null) {
            Entry e = findPacked(field);
            if (e == null) {
                return NO_FIELD;
            }
            w = e.when();
        } else {
            int slot = big().table.find(field);
            if (slot < 0) {
                return NO_FIELD;
            }
            w = big().table.ttlAt(slot);
        }
        return w == HashFieldTable.NO_TTL ? NO_TTL : w;
    }

    /** Gives the existing {@code field} the expiry {@code whenMs} (> 0); false if absent. */
    public boolean setTtl(byte[] field, long whenMs) {
        enableFieldTtls();
        if (packed() != null) {
            Entry e = findPacked(field);
            if (e == null) {
                return false;
            }
            repositionPacked(e, whenMs);
            return true;
        }
        int slot = big().table.find(field);
        if (slot < 0) {
            return false;
        }
        setTableTtl(slot, whenMs);
        return true;
    }

    private void setTableTtl(int slot, long whenMs) {
        HashFieldTable t = big().table;
        if (t.ttlAt(slot) == HashFieldTable.NO_TTL) {
            big().ttlCount++;
        }
        t.setTtlAt(slot, whenMs);
        if (big().heap == null) {
            big().heap = new TtlHeap();
        }
        if (big().heap.size() > 2 * big().ttlCount + 64) {
            rebuildHeap();
        } else {
            big().heap.push(whenMs, t.fieldAt(slot));
        }
    }

    private void rebuildHeap() {
        HashFieldTable t = big().table;
        TtlHeap h = new TtlHeap();
        t.forEachSlot(s -> {
            long w = t.ttlAt(s);
            if (w != HashFieldTable.NO_TTL) {
                h.push(w, t.fieldAt(s));
            }
        });
        big().heap = h;
    }

    private void releaseHeapIfUnused() {
        if (big().heap != null && big().ttlCount == 0) {
            big().heap = null;
        }
    }

    /** Removes the TTL of {@code field}: 1 done, {@link #NO_TTL} it had none, {@link #NO_FIELD} absent. */
    public int persist(byte[] field) {
        if (packed() != null) {
            Entry e = findPacked(field);
            if (e == null) {
                return (int) NO_FIELD;
            }
            if (e.when() == HashFieldTable.NO_TTL) {
                return (int) NO_TTL;
            }
            repositionPacked(e, HashFieldTable.NO_TTL);
            return 1;
        }
        HashFieldTable t = big().table;
        int slot = t.find(field);
        if (slot < 0) {
            return (int) NO_FIELD;
        }
        if (t.ttlAt(slot) == HashFieldTable.NO_TTL) {
            return (int) NO_TTL;
        }
        t.setTtlAt(slot, HashFieldTable.NO_TTL);
        big().ttlCount--;
        releaseHeapIfUnused();
        return 1;
    }

    /** True if some field has a TTL. */
    public boolean hasFieldTtls() {
        if (packed() != null) {
            return nextExpiry() != NEVER;
        }
        return big().ttlCount > 0;
    }

    /**
     * The earliest field expiry, or {@link #NEVER}; for a table it may be a little early (a
     * field whose TTL changed since), which only costs a wasted check.
     */
    public long nextExpiry() {
        if (packed() != null) {
            // listpackex order: a TTL, if any field has one, is on the first entry
            if (!withTtl()) {
                return NEVER;
            }
            Entry e = new Entry();
            if (!e.at(HEADER)) {
                return NEVER;
            }
            long w = e.when();
            return w == HashFieldTable.NO_TTL ? NEVER : w;
        }
        if (big().ttlCount == 0 || big().heap == null || big().heap.size() == 0) {
            return NEVER;
        }
        return big().heap.topWhen();
    }

    /**
     * Removes up to {@code limit} fields whose expiry is at or before {@code nowMs}, telling
     * {@code sink} each name; returns how many were removed.
     */
    public int expireDue(long nowMs, int limit, FieldSink sink) {
        int removed = 0;
        if (packed() != null) {
            Entry e = new Entry();
            while (removed < limit && withTtl() && e.at(HEADER)) {
                long w = e.when();
                if (w == HashFieldTable.NO_TTL || w > nowMs) {
                    break;
                }
                sink.accept(e.field());
                splice(e.start, e.end, null, 0, 0, null, 0, 0, 0);
                removed++;
            }
            return removed;
        }
        HashFieldTable t = big().table;
        while (removed < limit && big().heap != null && big().heap.size() > 0 && big().heap.topWhen() <= nowMs) {
            long w = big().heap.topWhen();
            byte[] f = big().heap.topField();
            big().heap.pop();
            int slot = t.find(f);
            if (slot < 0 || t.ttlAt(slot) != w) {
                continue; // stale: the field was deleted or got another TTL since
            }
            sink.accept(t.fieldAt(slot));
            t.removeSlot(slot);
            big().ttlCount--;
            removed++;
            releaseHeapIfUnused();
        }
        return removed;
    }

    /** Converts the packed form to a hash table (never back, as in Redis). */
    private void convert() {
        Big b = new Big();
        HashFieldTable t = b.table;
        if (withTtl()) {
            t.enableTtls();
        }
        Entry e = new Entry();
        for (boolean ok = e.at(HEADER); ok; ok = e.next()) {
            byte[] f = e.field();
            t.put(f, e.value());
            long w = e.when();
            if (w != HashFieldTable.NO_TTL) {
                t.setTtlAt(t.find(f), w);
                if (b.heap == null) {
                    b.heap = new TtlHeap();
                }
                b.heap.push(w, f);
                b.ttlCount++;
            }
        }
        repr = b;
    }

    /** A binary min-heap of (expiry, field) in parallel arrays; entries may be stale. */
    private static final class TtlHeap {
        private long[] whens = new long[8];
        private byte[][] fields = new byte[8][];
        private int size;
        /** Heap bytes of the field names held (copies: table entries hold field and value together). */
        private long fieldBytes;

        int size() {
            return size;
        }

        long topWhen() {
            return whens[0];
        }

        byte[] topField() {
            return fields[0];
        }

        void push(long when, byte[] field) {
            if (size == whens.length) {
                whens = Arrays.copyOf(whens, size * 2);
                fields = Arrays.copyOf(fields, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (whens[parent] <= when) {
                    break;
                }
                whens[i] = whens[parent];
                fields[i] = fields[parent];
                i = parent;
            }
            whens[i] = when;
            fields[i] = field;
            fieldBytes += Memory.arrayBytes(field.length);
        }

        void pop() {
            fieldBytes -= Memory.arrayBytes(fields[0].length);
            size--;
            long when = whens[size];
            byte[] field = fields[size];
            fields[size] = null;
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && whens[child + 1] < whens[child]) {
                    child++;
                }
                if (whens[child] >= when) {
                    break;
                }
                whens[i] = whens[child];
                fields[i] = fields[child];
                i = child;
            }
            if (size > 0) {
                whens[i] = when;
                fields[i] = field;
            }
        }

        long heapBytes() {
            return Memory.align(12 + 4 + 4 + 4 + 8) + fieldBytes + Memory.arrayBytes(whens.length * 8) + Memory.arrayBytes(fields.length * 4);
        }
    }
}
