package kv.protocol;

/** Swallows a reply: CLIENT REPLY OFF and SKIP. */
public final class DiscardingReply implements Reply {
    private final int protocol;

    public DiscardingReply(int protocol) {
        this.protocol = protocol;
    }

    @Override public void simple(String status) { }
    @Override public void error(String message) { }
    @Override public void integer(long value) { }
    @Override public void bulk(byte[] value) { }
    @Override public void bulk(byte[] value, int offset, int length) { }
    @Override public void bulkText(String ascii) { }
    @Override public void bulkLong(long value) { }
    @Override public void nullBulk() { }
    @Override public void nullArray() { }
    @Override public void array(int count) { }
    @Override public void map(int pairs) { }
    @Override public void set(int count) { }
    @Override public void doubleValue(double value) { }
    @Override public void bool(boolean value) { }
    @Override public void verbatim(String format, byte[] text) { }
    @Override public void push(int count) { }
    @Override public void bigNumber(String digits) { }
    @Override public void attribute(int pairs) { }
    @Override public int protocol() { return protocol; }
}
