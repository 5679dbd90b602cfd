package kv.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;


/**
 * The big encoding ("skiplist"): a skip list with spans (rank queries in O(log n)) plus an
 * open-addressing table from member to node for O(1) score lookups.
 *
 * <p>The nodes are records in one {@code int[]}, a node being the offset of its record, so a
 * walk step reads one record (score and links side by side) and an insert stores no reference
 * into an old object (no card marking for the collector). A record of a node of level {@code l}
 * is {@code 3 + 2l} ints: score (high, low bits), backward, member id (index into {@link
 * #members}), next on level 0, then span and next for each level above (the level-0 span is
 * always 1). Offset 0 is the head, of {@link #MAX_LEVEL} levels, and doubles as "no node".
 * Freed records wait on a free list per level, keeping their member id, for the next node of
 * that level.
 */
final class SkipListZset implements ZsetEncoding {
    static final int MAX_LEVEL = 32;
    private static final int NONE = 0;
    private static final int BACK = 2;
    private static final int ID = 3;
    private static final int NEXT0 = 4;
    private static final int HEAD_INTS = recordInts(MAX_LEVEL);
    /** Object header and fields of this class. */
    private static final long SHALLOW_BYTES = Memory.align(12 + 6 * 4 + 8 * 4 + 8);

    private int[] rec;
    /** First unused int of {@link #rec}. */
    private int top;
    /** Members by id; null for the ids of free records. */
    private byte[][] members;
    /** Ids handed out (the records in use or on a free list). */
    private int ids;
    /** By level: the first free record of that level, chained through BACK; NONE ends a chain. */
    private final int[] free = new int[MAX_LEVEL + 1];
    private int tail;
    private int level = 1;
    private int length;
    /** Heap bytes of the member arrays. */
    private long memberBytes;
    private ZsetMemberTable table;
    // scratch for insert/delete (one thread owns the data)
    private final int[] update = new int[MAX_LEVEL];
    private final int[] rankAt = new int[MAX_LEVEL];
    // scratch for a move: the predecessors of a node's new place, and the ranks of those in update
    private final int[] moveTo = new int[MAX_LEVEL];
    private final int[] rankOld = new int[MAX_LEVEL];
    /** The node the last {@link #score} call found (or NONE); cleared whenever a node leaves the list. */
    private int found;

    SkipListZset(int capacity) {
        rec = new int[HEAD_INTS + 6 * Math.max(capacity, 1)];
        top = HEAD_INTS;
        members = new byte[Math.max(capacity, 1)][];
        rec[ID] = -1;
        table = new ZsetMemberTable(this, capacity);
    }

    private SkipListZset(SkipListZset o) {
        rec = o.rec.clone();
        top = o.top;
        members = o.members.clone();
        ids = o.ids;
        System.arraycopy(o.free, 0, free, 0, free.length);
        tail = o.tail;
        level = o.level;
        length = o.length;
        memberBytes = o.memberBytes;
        table = o.table.copy(this);
    }

    private static int recordInts(int level) {
        return 3 + 2 * level;
    }

    // ------------------------------------------------------------------ record access

    double score(int node) {
        return Double.longBitsToDouble((long) rec[node] << 32 | (rec[node + 1] & 0xffffffffL));
    }

    private void setScore(int node, double score) {
        long bits = Double.doubleToRawLongBits(score);
        rec[node] = (int) (bits >>> 32);
        rec[node + 1] = (int) bits;
    }

    byte[] member(int node) {
        return members[rec[node + ID]];
    }

    private int next(int node, int i) {
        return rec[node + NEXT0 + 2 * i];
    }

    private void setNext(int node, int i, int n) {
        rec[node + NEXT0 + 2 * i] = n;
    }

    private int span(int node, int i) {
        return i == 0 ? 1 : rec[node + NEXT0 - 1 + 2 * i];
    }

    private void setSpan(int node, int i, int s) {
        if (i > 0) {
            rec[node + NEXT0 - 1 + 2 * i] = s;
        }
    }

    /** A record for a node of {@code lvl} levels holding {@code member}: a free one of that level, or a new one at the top. */
    private int allocate(int lvl, byte[] member) {
        int node = free[lvl];
        if (node != NONE) {
            free[lvl] = rec[node + BACK];
        } else {
            int ints = recordInts(lvl);
            if (top + ints > rec.length) {
                rec = Arrays.copyOf(rec, Math.max(top + ints, rec.length + (rec.length >> 1)));
            }
            node = top;
            top += ints;
            if (ids == members.length) {
                members = Arrays.copyOf(members, members.length + (members.length >> 1) + 1);
            }
            rec[node + ID] = ids++;
        }
        members[rec[node + ID]] = member;
        memberBytes += Memory.arrayBytes(member.length);
        return node;
    }

    private void release(int node, int lvl) {
        byte[][] m = members;
        int id = rec[node + ID];
        memberBytes -= Memory.arrayBytes(m[id].length);
        m[id] = null;
        rec[node + BACK] = free[lvl];
        free[lvl] = node;
    }

    // ------------------------------------------------------------------ the encoding

    @Override
    public int size() {
        return length;
    }

    @Override
    public double score(byte[] member) {
        int n = table.get(member);
        found = n;
        return n == NONE ? Double.NaN : score(n);
    }

    /** The node of {@code member}: the one {@link #score} just found if it is that member's (ZADD's lookup, then its update). */
    private int node(byte[] member) {
        int n = found;
        if (n != NONE) {
            byte[] m = member(n);
            if (m == member || Arrays.equals(m, member)) {
                return n;
            }
        }
        return table.get(member);
    }

    private static int randomLevel() {
        int lvl = 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (lvl < MAX_LEVEL && (r.nextInt() & 0xffff) < 0xffff / 4) {
            lvl++;
        }
        return lvl;
    }

    /** Whether {@code n} orders before (score, member). */
    private boolean before(int n, double score, byte[] member) {
        double s = score(n);
        return s < score || (s == score && ZsetOrder.compareMembers(member(n), member) < 0);
    }

    @Override
    public void insert(byte[] member, double score) {
        int lvl = randomLevel();
        int node = allocate(lvl, member);
        setScore(node, score);
        link(node, lvl);
        table.put(node);
    }

    /** Links {@code node} (not in the list, its score set) at the place of its score and member, at {@code lvl} levels. */
    private void link(int node, int lvl) {
        double score = score(node);
        byte[] member = member(node);
        int x = NONE;
        for (int i = level - 1; i >= 0; i--) {
            rankAt[i] = i == level - 1 ? 0 : rankAt[i + 1];
            int n;
            while ((n = next(x, i)) != NONE && before(n, score, member)) {
                rankAt[i] += span(x, i);
                x = n;
            }
            update[i] = x;
        }
        linkAfter(node, lvl, update);
    }

    /**
     * Links {@code node} at {@code lvl} levels after {@code preds}, its predecessor on every level,
     * whose ranks are in {@link #rankAt}.
     */
    private void linkAfter(int node, int lvl, int[] preds) {
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rankAt[i] = 0;
                preds[i] = NONE;
                setSpan(NONE, i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            int u = preds[i];
            setNext(node, i, next(u, i));
            setNext(u, i, node);
            if (i > 0) {
                setSpan(node, i, span(u, i) - (rankAt[0] - rankAt[i]));
                setSpan(u, i, rankAt[0] - rankAt[i] + 1);
            }
        }
        for (int i = lvl; i < level; i++) {
            setSpan(preds[i], i, span(preds[i], i) + 1);
        }
        rec[node + BACK] = preds[0];
        int after = next(node, 0);
        if (after != NONE) {
            rec[after + BACK] = node;
        } else {
            tail = node;
        }
        length++;
    }

    /** Unlinks {@code x} given its predecessors in {@code update}; returns its level. */
    private int unlink(int x) {
        int lvl = 0;
        for (int i = 0; i < level; i++) {
            int u = update[i];
            if (next(u, i) == x) {
                lvl = i + 1;
                if (i > 0) {
                    setSpan(u, i, span(u, i) + span(x, i) - 1);
                }
                setNext(u, i, next(x, i));
            } else if (i > 0) {
                setSpan(u, i, span(u, i) - 1);
            }
        }
        int after = next(x, 0);
        if (after != NONE) {
            rec[after + BACK] = rec[x + BACK];
        } else {
            tail = rec[x + BACK];
        }
        while (level > 1 && next(NONE, level - 1) == NONE) {
            level--;
        }
        length--;
        return lvl;
    }

    /**
     * Fills {@code update} with the predecessors of {@code target}, a node in the list, on every
     * level. Reaching the target itself ends a level without comparing its member with itself.
     */
    private void findUpdate(int target) {
        double score = score(target);
        byte[] member = member(target);
        int x = NONE;
        for (int i = level - 1; i >= 0; i--) {
            int n;
            while ((n = next(x, i)) != target && n != NONE && before(n, score, member)) {
                x = n;
            }
            update[i] = x;
        }
    }

    @Override
    public void update(byte[] member, double old, double score) {
        int x = node(member);
        // stays in place when the neighbours still bracket the new score (Redis does the same);
        // the node's own links tell, no walk needed
        int prev = rec[x + BACK];
        int after = next(x, 0);
        if ((prev == NONE || before(prev, score, member))
                && (after == NONE || score(after) > score
                        || (score(after) == score && ZsetOrder.compareMembers(member(after), member) > 0))) {
            setScore(x, score);
            return;
        }
        // moves: the same record is relinked at its new place (the member table keeps pointing to it)
        findMove(x, score);
        int lvl = unlink(x);
        int rankX = rankOld[0] + 1;
        for (int i = 0; i < level; i++) {
            // the ranks of the new place's predecessors as they are without x
            if (moveTo[i] == x) {
                moveTo[i] = update[i];
                rankAt[i] = rankOld[i];
            } else if (rankAt[i] > rankX) {
                rankAt[i]--;
            }
        }
        setScore(x, score);
        linkAfter(x, lvl, moveTo);
    }

    /**
     * The two walks of moving {@code x} (in the list) to {@code score}, taken down the levels
     * together, step for step, so that the cache misses of one overlap those of the other: fills
     * {@link #update} with x's predecessors and {@link #rankOld} with their ranks, {@link #moveTo}
     * with the predecessors of (score, x's member) among the nodes as they are (x included) and
     * {@link #rankAt} with theirs.
     */
    private void findMove(int x, double score) {
        double old = score(x);
        byte[] member = member(x);
        // x itself lies before the new place when its score grows (the members are equal)
        boolean xBefore = old < score;
        int xo = NONE;
        int xn = NONE;
        int ro = 0;
        int rn = 0;
        for (int i = level - 1; i >= 0; i--) {
            boolean walkOld = true;
            boolean walkNew = true;
            while (walkOld || walkNew) {
                if (walkOld) {
                    int n = next(xo, i);
                    if (n != x && n != NONE && before(n, old, member)) {
                        ro += span(xo, i);
                        xo = n;
                    } else {
                        walkOld = false;
                    }
                }
                if (walkNew) {
                    int n = next(xn, i);
                    if (n != NONE && (n == x ? xBefore : before(n, score, member))) {
                        rn += span(xn, i);
                        xn = n;
                    } else {
                        walkNew = false;
                    }
                }
            }
            update[i] = xo;
            rankOld[i] = ro;
            moveTo[i] = xn;
            rankAt[i] = rn;
        }
    }

    @Override
    public boolean delete(byte[] member) {
        int n = table.get(member);
        if (n == NONE) {
            return false;
        }
        findUpdate(n);
        int lvl = unlink(n);
        found = NONE;
        table.remove(member);
        release(n, lvl);
        compactIfSparse();
        return true;
    }

    /**
     * Rebuilds the records when at most a quarter of those handed out are in use (after many
     * deletions), so the arrays shrink as Redis' freed nodes would.
     */
    private void compactIfSparse() {
        if (ids > 64 && length * 4 <= ids) {
            SkipListZset c = new SkipListZset(length);
            for (int n = next(NONE, 0); n != NONE; n = next(n, 0)) {
                c.insert(member(n), score(n));
            }
            rec = c.rec;
            top = c.top;
            members = c.members;
            ids = c.ids;
            System.arraycopy(c.free, 0, free, 0, free.length);
            tail = c.tail;
            level = c.level;
            memberBytes = c.memberBytes;
            table = c.table.copy(this);
            found = NONE;
        }
    }

    @Override
    public int rank(byte[] member, double score) {
        int rank = 0;
        int x = NONE;
        for (int i = level - 1; i >= 0; i--) {
            int n;
            while ((n = next(x, i)) != NONE) {
                double s = score(n);
                if (s > score || (s == score && ZsetOrder.compareMembers(member(n), member) > 0)) {
                    break;
                }
                rank += span(x, i);
                x = n;
            }
            if (x != NONE && score(x) == score && Arrays.equals(member(x), member)) {
                return rank - 1;
            }
        }
        return -1;
    }

    @Override
    public int prefixLength(Before before) {
        int rank = 0;
        int x = NONE;
        for (int i = level - 1; i >= 0; i--) {
            int n;
            while ((n = next(x, i)) != NONE) {
                byte[] m = member(n);
                if (!before.test(m, 0, m.length, score(n))) {
                    break;
                }
                rank += span(x, i);
                x = n;
            }
        }
        return rank;
    }

    private int nodeAt(int rank) {
        int traversed = 0;
        int target = rank + 1;
        int x = NONE;
        for (int i = level - 1; i >= 0; i--) {
            int n;
            while ((n = next(x, i)) != NONE && traversed + span(x, i) <= target) {
                traversed += span(x, i);
                x = n;
            }
            if (traversed == target) {
                return x;
            }
        }
        return NONE;
    }

    @Override
    public ZsetCursor cursor(int rank, boolean reverse) {
        int start = nodeAt(rank);
        return new ZsetCursor() {
            int n = start;

            @Override
            public boolean valid() {
                return n != NONE;
            }

            @Override
            public byte[] member() {
                return SkipListZset.this.member(n);
            }

            @Override
            public double score() {
                return SkipListZset.this.score(n);
            }

            @Override
            public void advance() {
                n = reverse ? rec[n + BACK] : next(n, 0);
            }
        };
    }

    @Override
    public void deleteRange(int from, int to) {
        int x = NONE;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            int n;
            while ((n = next(x, i)) != NONE && traversed + span(x, i) < from + 1) {
                traversed += span(x, i);
                x = n;
            }
            update[i] = x;
        }
        x = next(x, 0);
        found = NONE;
        for (int r = from; r <= to && x != NONE; r++) {
            int after = next(x, 0);
            int lvl = unlink(x);
            table.remove(member(x));
            release(x, lvl);
            x = after;
        }
        compactIfSparse();
    }

    @Override
    public long heapBytes() {
        return SHALLOW_BYTES + Memory.arrayBytes(4 * rec.length) + Memory.arrayBytes(4 * members.length)
                + memberBytes + table.heapBytes() + Memory.arrayBytes(4 * free.length)
                + Memory.arrayBytes(4 * MAX_LEVEL) * 4;
    }

    @Override
    public ZsetEncoding copy() {
        return new SkipListZset(this);
    }

    /** One SCAN step over the member table (see {@link ZsetMemberTable#scan}). */
    long scan(long cursor, BiConsumer<byte[], Double> visitor) {
        return table.scan(cursor, n -> visitor.accept(member(n), score(n)));
    }
}
