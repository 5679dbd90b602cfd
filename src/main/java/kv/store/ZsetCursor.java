package kv.store;

/** Walks a sorted set in rank order (or reverse); valid until the set changes. */
public interface ZsetCursor {
    boolean valid();

    /** The current member (a fresh or shared array: callers must not change it). */
    byte[] member();

    double score();

    void advance();
}
