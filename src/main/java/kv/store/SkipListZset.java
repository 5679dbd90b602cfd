package kv.store;

import java.util.concurrent.ThreadLocalRandom;


/**
 * The big encoding ("skiplist"): a skip list with spans (rank queries in O(log n)) plus an
 * open-addressing table from member to node for O(1) score lookups (see {@link Node} for the
 * node layout).
 */
final class SkipListZset implements ZsetEncoding {
    static final int MAX_LEVEL = 32;
    /** Fixed part of a node: header, member, score, backward, next0, next1, span1, level. */
    private static final long NODE_BYTES = Memory.align(12 + 4 + 8 + 4 + 4 + 4 + 4 + 1);
    /** A {@link TallNode}: a node's fields (the subclass' start 4-aligned), next2..5, span2..5, up, upSpan. */
    private static final long TALL_NODE_BYTES = Memory.align(((12 + 4 + 8 + 4 + 4 + 4 + 4 + 1 + 3) & ~3) + 4 * 4 + 4 * 4 + 4 + 4);

    /**
     * A node keeps its first two levels inline: a search spends most of its steps on the low
     * levels, and a pointer read from the node itself costs no extra cache miss. The one node in
     * sixteen with more levels is a {@link TallNode}. The level-0 span is implicitly 1.
     */
    static class Node {
        final byte[] member;
        double score;
        Node backward;
        Node next0;
        Node next1;
        int span1;
        final byte level;

        Node(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            this.level = (byte) level;
        }

        static Node of(byte[] member, double score, int level) {
            return level > 2 ? new TallNode(member, score, level) : new Node(member, score, level);
        }

        int level() {
            return level;
        }

        final Node next(int i) {
            return i == 0 ? next0 : i == 1 ? next1 : ((TallNode) this).upper(i);
        }

        final void setNext(int i, Node n) {
            if (i == 0) {
                next0 = n;
            } else if (i == 1) {
                next1 = n;
            } else {
                ((TallNode) this).setUpper(i, n);
            }
        }

        final int span(int i) {
            return i == 0 ? 1 : i == 1 ? span1 : ((TallNode) this).upperSpan(i);
        }

        final void setSpan(int i, int s) {
            if (i == 1) {
                span1 = s;
            } else if (i > 1) {
                ((TallNode) this).setUpperSpan(i, s);
            }
        }

        long heapBytes() {
            return NODE_BYTES + Memory.arrayBytes(member.length);
        }
    }

    /**
     * A node of three levels or more: levels 2..5 are inline too (a walk's steps on the upper
     * levels then cost one cache miss each, as on the lower ones; a separate level array would
     * add a second); only the one node in 1024 above level 6 (and the head) carries arrays.
     */
    static final class TallNode extends Node {
        private static final int INLINE_TOP = 6;
        Node next2;
        Node next3;
        Node next4;
        Node next5;
        int span2;
        int span3;
        int span4;
        int span5;
        /** Levels 6..level-1; null for nodes of at most six levels. */
        Node[] up;
        int[] upSpan;

        TallNode(byte[] member, double score, int level) {
            super(member, score, level);
            if (level > INLINE_TOP) {
                up = new Node[level - INLINE_TOP];
                upSpan = new int[level - INLINE_TOP];
            }
        }

        Node upper(int i) {
            return switch (i) {
                case 2 -> next2;
                case 3 -> next3;
                case 4 -> next4;
                case 5 -> next5;
                default -> up[i - INLINE_TOP];
            };
        }

        void setUpper(int i, Node n) {
            switch (i) {
                case 2 -> next2 = n;
                case 3 -> next3 = n;
                case 4 -> next4 = n;
                case 5 -> next5 = n;
                default -> up[i - INLINE_TOP] = n;
            }
        }

        int upperSpan(int i) {
            return switch (i) {
                case 2 -> span2;
                case 3 -> span3;
                case 4 -> span4;
                case 5 -> span5;
                default -> upSpan[i - INLINE_TOP];
            };
        }

        void setUpperSpan(int i, int s) {
            switch (i) {
                case 2 -> span2 = s;
                case 3 -> span3 = s;
                case 4 -> span4 = s;
                case 5 -> span5 = s;
                default -> upSpan[i - INLINE_TOP] = s;
            }
        }

        @Override
        long heapBytes() {
            long b = TALL_NODE_BYTES + Memory.arrayBytes(member.length);
            if (up != null) {
                b += Memory.arrayBytes(4 * up.length) * 2;
            }
            return b;
        }
    }

    private final Node head = Node.of(new byte[0], 0, MAX_LEVEL);
    private Node tail;
    private int level = 1;
    private int length;
    private final ZsetMemberTable table;
    private long nodeBytes;
    // scratch for insert/delete (one thread owns the data)
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rankAt = new int[MAX_LEVEL];
    /** The node the last {@link #score} call found (or null); cleared whenever a node leaves the list. */
    private Node found;

    SkipListZset(int capacity) {
        table = new ZsetMemberTable(capacity);
    }

    @Override
    public int size() {
        return length;
    }

    @Override
    public double score(byte[] member) {
        Node n = table.get(member);
        found = n;
        return n == null ? Double.NaN : n.score;
    }

    /** The node of {@code member}: the one {@link #score} just found if it is that member's (ZADD's lookup, then its update). */
    private Node node(byte[] member) {
        Node n = found;
        return n != null && (n.member == member || java.util.Arrays.equals(n.member, member)) ? n : table.get(member);
    }

    private static int randomLevel() {
        int lvl = 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (lvl < MAX_LEVEL && (r.nextInt() & 0xffff) < 0xffff / 4) {
            lvl++;
        }
        return lvl;
    }

    private static boolean before(Node n, double score, byte[] member) {
        return n.score < score || (n.score == score && ZsetOrder.compareMembers(n.member, member) < 0);
    }

    @Override
    public void insert(byte[] member, double score) {
        Node node = Node.of(member, score, randomLevel());
        link(node);
        table.put(node);
    }

    /** Links {@code node} (not in the list) at the place of its score and member, at its own level. */
    private void link(Node node) {
        double score = node.score;
        byte[] member = node.member;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            rankAt[i] = i == level - 1 ? 0 : rankAt[i + 1];
            Node n;
            while ((n = x.next(i)) != null && before(n, score, member)) {
                rankAt[i] += x.span(i);
                x = n;
            }
            update[i] = x;
        }
        int lvl = node.level();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rankAt[i] = 0;
                update[i] = head;
                head.setSpan(i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            node.setNext(i, update[i].next(i));
            update[i].setNext(i, node);
            if (i > 0) {
                node.setSpan(i, update[i].span(i) - (rankAt[0] - rankAt[i]));
                update[i].setSpan(i, rankAt[0] - rankAt[i] + 1);
            }
        }
        for (int i = lvl; i < level; i++) {
            update[i].setSpan(i, update[i].span(i) + 1);
        }
        node.backward = update[0] == head ? null : update[0];
        if (node.next0 != null) {
            node.next0.backward = node;
        } else {
            tail = node;
        }
        length++;
        nodeBytes += node.heapBytes();
        clearScratch(level);
    }

    /** Drops the scratch references to nodes (levels below {@code used}), so no removed node stays reachable. */
    private void clearScratch(int used) {
        java.util.Arrays.fill(update, 0, used, null);
    }

    /** Unlinks {@code x} given its predecessors in {@code update}. */
    private void unlink(Node x) {
        for (int i = 0; i < level; i++) {
            if (update[i].next(i) == x) {
                if (i > 0) {
                    update[i].setSpan(i, update[i].span(i) + x.span(i) - 1);
                }
                update[i].setNext(i, x.next(i));
            } else if (i > 0) {
                update[i].setSpan(i, update[i].span(i) - 1);
            }
        }
        if (x.next0 != null) {
            x.next0.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && head.next(level - 1) == null) {
            level--;
        }
        length--;
        nodeBytes -= x.heapBytes();
    }

    /** Fills {@code update} with the predecessors of (score, member) on every level. */
    private Node findUpdate(double score, byte[] member) {
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node n;
            while ((n = x.next(i)) != null && before(n, score, member)) {
                x = n;
            }
            update[i] = x;
        }
        return x.next0;
    }

    @Override
    public void update(byte[] member, double old, double score) {
        Node x = node(member);
        // stays in place when the neighbours still bracket the new score (Redis does the same);
        // the node's own links tell, no walk needed
        if ((x.backward == null || x.backward.score < score
                        || (x.backward.score == score && ZsetOrder.compareMembers(x.backward.member, member) < 0))
                && (x.next0 == null || x.next0.score > score
                        || (x.next0.score == score && ZsetOrder.compareMembers(x.next0.member, member) > 0))) {
            x.score = score;
            return;
        }
        // moves: the same node is relinked at its new place (the member table keeps pointing to it)
        int used = level;
        findUpdate(x.score, member);
        unlink(x);
        clearScratch(used);
        x.score = score;
        x.backward = null;
        link(x);
    }

    @Override
    public boolean delete(byte[] member) {
        Node n = table.get(member);
        if (n == null) {
            return false;
        }
        int used = level;
        Node x = findUpdate(n.score, member);
        unlink(x);
        found = null;
        table.remove(member);
        clearScratch(used);
        return true;
    }

    @Override
    public int rank(byte[] member, double score) {
        int rank = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node n;
            while ((n = x.next(i)) != null
                    && (n.score < score || (n.score == score && ZsetOrder.compareMembers(n.member, member) <= 0))) {
                rank += x.span(i);
                x = n;
            }
            if (x != head && x.score == score && java.util.Arrays.equals(x.member, member)) {
                return rank - 1;
            }
        }
        return -1;
    }

    @Override
    public int prefixLength(Before before) {
        int rank = 0;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node n;
            while ((n = x.next(i)) != null && before.test(n.member, 0, n.member.length, n.score)) {
                rank += x.span(i);
                x = n;
            }
        }
        return rank;
    }

    private Node nodeAt(int rank) {
        int traversed = 0;
        int target = rank + 1;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next(i) != null && traversed + x.span(i) <= target) {
                traversed += x.span(i);
                x = x.next(i);
            }
            if (traversed == target) {
                return x;
            }
        }
        return null;
    }

    @Override
    public ZsetCursor cursor(int rank, boolean reverse) {
        Node start = nodeAt(rank);
        return new ZsetCursor() {
            Node n = start;

            @Override
            public boolean valid() {
                return n != null;
            }

            @Override
            public byte[] member() {
                return n.member;
            }

            @Override
            public double score() {
                return n.score;
            }

            @Override
            public void advance() {
                n = reverse ? n.backward : n.next0;
            }
        };
    }

    @Override
    public void deleteRange(int from, int to) {
        int used = level;
        Node x = head;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next(i) != null && traversed + x.span(i) < from + 1) {
                traversed += x.span(i);
                x = x.next(i);
            }
            update[i] = x;
        }
        x = x.next0;
        found = null;
        for (int r = from; r <= to && x != null; r++) {
            Node next = x.next0;
            unlink(x);
            table.remove(x.member);
            x = next;
        }
        clearScratch(used);
    }

    @Override
    public long heapBytes() {
        return 56 + head.heapBytes() + nodeBytes + table.heapBytes() + Memory.arrayBytes(4 * MAX_LEVEL) * 2;
    }

    @Override
    public ZsetEncoding copy() {
        SkipListZset c = new SkipListZset(length);
        for (Node n = head.next0; n != null; n = n.next0) {
            c.insert(n.member, n.score);
        }
        return c;
    }

    /** One SCAN step over the member table (see {@link ZsetMemberTable#scan}). */
    long scan(long cursor, java.util.function.Consumer<Node> visitor) {
        return table.scan(cursor, visitor);
    }

    Node random() {
        return nodeAt(ThreadLocalRandom.current().nextInt(length));
    }
}
