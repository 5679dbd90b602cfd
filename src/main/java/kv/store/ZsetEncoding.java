package kv.store;

/**
 * One representation of a sorted set's elements, ordered by score, then member bytes (unsigned,
 * shorter first on a common prefix, like memcmp then length). Ranks are 0-based ascending.
 */
interface ZsetEncoding {
    int size();

    /** The score of {@code member}, or NaN if absent (a stored score is never NaN). */
    double score(byte[] member);

    /** Adds an absent member. */
    void insert(byte[] member, double score);

    /** Changes the score of a present member whose current score is {@code old}. */
    void update(byte[] member, double old, double score);

    /** Removes {@code member}; false if absent. */
    boolean delete(byte[] member);

    /** The rank of a present member with score {@code score}. */
    int rank(byte[] member, double score);

    /** How many leading elements satisfy {@code before} (true on a prefix of the order). */
    int prefixLength(Before before);

    /** A cursor on {@code rank} (in [0, size)) moving towards higher ranks, or lower if {@code reverse}. */
    ZsetCursor cursor(int rank, boolean reverse);

    /** Removes the ranks [from, to], inclusive. */
    void deleteRange(int from, int to);

    long heapBytes();

    ZsetEncoding copy();

    /** A predicate that holds for a prefix of the set's order. */
    interface Before {
        boolean test(byte[] member, int offset, int length, double score);
    }
}
