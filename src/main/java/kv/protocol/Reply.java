package kv.protocol;

import kv.util.BulkSink;

/**
 * The sink every command writes its reply into. One model, two renderings: the network writer
 * encodes RESP2 or RESP3 bytes; other callers (scripting, tests) may build values instead.
 * Aggregates are announced with their element count, then the elements follow.
 */
public interface Reply extends BulkSink {

    /** Status reply, e.g. {@code +OK}. The text must not contain CR or LF. */
    void simple(String status);

    /** Error reply; {@code message} starts with the error code, e.g. "ERR syntax error". */
    void error(String message);

    void integer(long value);

    void bulk(byte[] value);

    @Override
    void bulk(byte[] value, int offset, int length);

    /** Bulk string of ASCII text (numbers, names): no Strings on the data path, only here. */
    void bulkText(String ascii);

    /** Bulk string holding the decimal form of {@code value}. */
    @Override
    void bulkLong(long value);

    /** The absent value: {@code $-1} in RESP2, {@code _} in RESP3. */
    void nullBulk();

    /** The absent aggregate: {@code *-1} in RESP2, {@code _} in RESP3. */
    void nullArray();

    void array(int count);

    /** A map of {@code pairs} key/value pairs ({@code %} in RESP3, a flat array in RESP2). */
    void map(int pairs);

    /** A set ({@code ~} in RESP3, an array in RESP2). */
    void set(int count);

    /** A double ({@code ,} in RESP3, a bulk string in RESP2), printed in shortest round-trip form. */
    void doubleValue(double value);

    /**
     * A double already printed ({@code ,} in RESP3, a bulk string in RESP2), for replies with their
     * own number format (GEOPOS coordinates). Writers without RESP3 doubles send a bulk string.
     */
    default void doubleText(String ascii) {
        bulkText(ascii);
    }

    /** A boolean ({@code #t}/{@code #f} in RESP3, {@code :1}/{@code :0} in RESP2). */
    void bool(boolean value);

    /** Verbatim text ({@code =} with a 3-letter format in RESP3, a bulk string in RESP2). */
    void verbatim(String format, byte[] text);

    /** Out-of-band push ({@code >} in RESP3, an array in RESP2). */
    void push(int count);

    /** A big number ({@code (} in RESP3, a bulk string in RESP2); {@code digits} is its decimal text. */
    void bigNumber(String digits);

    /**
     * Attributes of the value that follows: {@code pairs} key/value pairs ({@code |}). RESP3 only: a
     * RESP2 client has no way to skip them, so callers emit none there (as Redis does).
     */
    void attribute(int pairs);

    default void ok() {
        simple("OK");
    }

    /** A command queued by MULTI. */
    default void queued() {
        simple("QUEUED");
    }

    /** 2 or 3. */
    int protocol();
}
