package kv.util;

/**
 * Where a stored string is written out: the reply writer, or anything else that takes bytes. The
 * store writes values into it without knowing about replies, and without copying them first.
 */
public interface BulkSink {
    void bulk(byte[] value, int offset, int length);

    /** The decimal form of {@code value}, for integers stored as numbers. */
    void bulkLong(long value);
}
