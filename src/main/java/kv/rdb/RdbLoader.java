package kv.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import kv.store.AccessClock;
import kv.store.LoadedTables;
import kv.store.StringValues;

/**
 * Reads a whole RDB file (versions 1 to {@link RdbFormat#MAX_READ_VERSION}) into a
 * {@link LoadedDataset}. Any problem stops the load with the offset, the key being read and the
 * reason; nothing is installed anywhere until the caller applies the finished dataset.
 */
public final class RdbLoader {
    private final EncodingLimits limits;
    private final int databases;
    private final long nowMs;
    private final boolean verifyChecksum;
    private final AccessClock access;
    /** A replica keeps keys already past their TTL: its master's DEL for them is still to come. */
    private boolean keepExpired;
    private RdbProgress progress = RdbProgress.NONE;

    /**
     * @param databases keys for a database number at or above this are refused
     * @param nowMs keys whose TTL is at or before this are skipped
     * @param verifyChecksum rdbchecksum: check the CRC-64 at the end (a stored 0 means "none")
     */
    public RdbLoader(EncodingLimits limits, int databases, long nowMs, boolean verifyChecksum) {
        this(limits, databases, nowMs, verifyChecksum, new AccessClock());
    }

    /** @param access sets the loaded keys' LRU/LFU fields: configured as the keyspace's clock is */
    public RdbLoader(EncodingLimits limits, int databases, long nowMs, boolean verifyChecksum, AccessClock access) {
        this.limits = limits;
        this.databases = databases;
        this.nowMs = nowMs;
        this.verifyChecksum = verifyChecksum;
        this.access = access;
    }

    /** Loads keys whose TTL has passed too (a replica loading its master's RDB, as Redis' replicas do). */
    public RdbLoader keepExpired() {
        keepExpired = true;
        return this;
    }

    /** Tells {@code p} how far each load has come. */
    public RdbLoader progress(RdbProgress p) {
        progress = p;
        return this;
    }

    /**
     * Reads {@code in} to its EOF opcode and checksum; the stream is not closed, and may have been
     * read beyond the RDB (buffering): {@link LoadedDataset#length()} says where the RDB ended.
     */
    public LoadedDataset load(InputStream in) throws IOException, RdbException {
        RdbInput r = new RdbInput(in);
        LoadedDataset out = new LoadedDataset(new LoadedTables(access, nowMs));
        byte[] magic = r.bytes(9);
        String head = new String(magic, StandardCharsets.ISO_8859_1);
        if (!head.startsWith("REDIS")) {
            throw new RdbException("wrong signature trying to load DB from file (not an RDB file)", 0);
        }
        int version;
        try {
            version = Integer.parseInt(head.substring(5));
        } catch (NumberFormatException e) {
            throw new RdbException("invalid RDB version " + head.substring(5), 5);
        }
        if (version < 1 || version > RdbFormat.MAX_READ_VERSION) {
            throw new RdbException("can't handle RDB format version " + version, 5);
        }
        out.version(version);
        ValueDecoder values = new ValueDecoder(r, limits, nowMs);
        // keys, and string values short enough for the key's record, are read into these: no
        // object per key (the tables copy them into their slab)
        RdbInput.Scratch key = new RdbInput.Scratch(256);
        RdbInput.Scratch string = new RdbInput.Scratch(StringValues.EMBSTR_LIMIT);
        int db = 0;
        long expireAt = -1;
        long idle = -1;
        int freq = -1;
        Set<Integer> seenDbs = new HashSet<>();
        long nextReport = RdbProgress.STEP;
        while (true) {
            long at = r.offset();
            if (at >= nextReport) {
                progress.read(at);
                nextReport = at + RdbProgress.STEP;
            }
            int type = r.u8();
            switch (type) {
                case RdbFormat.OPCODE_EXPIRETIME:
                    expireAt = r.le(4) * 1000;
                    continue;
                case RdbFormat.OPCODE_EXPIRETIME_MS:
                    expireAt = r.le(8);
                    continue;
                case RdbFormat.OPCODE_FREQ:
                    freq = r.u8();
                    continue;
                case RdbFormat.OPCODE_IDLE:
                    idle = r.length();
                    continue;
                case RdbFormat.OPCODE_EOF:
                    break;
                case RdbFormat.OPCODE_SELECTDB: {
                    long n = r.length();
                    if (n >= databases) {
                        throw new RdbException("the file selects database " + n + " but only " + databases
                                + " are configured (databases)", at);
                    }
                    db = (int) n;
                    seenDbs.add(db);
                    continue;
                }
                case RdbFormat.OPCODE_RESIZEDB:
                    out.reserve(db, r.length(), r.length());
                    continue;
                case RdbFormat.OPCODE_SLOT_INFO:
                    r.length();
                    r.length();
                    r.length();
                    continue;
                case RdbFormat.OPCODE_AUX:
                    aux(out, new String(r.string(), StandardCharsets.ISO_8859_1), r.string());
                    continue;
                case RdbFormat.OPCODE_FUNCTION2:
                    out.function(r.string());
                    continue;
                case RdbFormat.OPCODE_FUNCTION_PRE_GA:
                    throw new RdbException("function library in the pre-release format of Redis 7.0 RC (opcode 246) is not supported", at);
                case RdbFormat.OPCODE_MODULE_AUX:
                    throw new RdbException("module auxiliary data (opcode 247) cannot be loaded: KV has no modules", at);
                default: {
                    try {
                        r.string(key);
                    } catch (RdbException e) {
                        throw new RdbException("reading a key of type " + RdbFormat.typeName(type) + ": "
                                + strip(e), e.offset());
                    }
                    Object value = null;
                    try {
                        if (type == RdbFormat.STRING) {
                            r.string(string);
                        } else {
                            value = values.read(type);
                        }
                    } catch (RdbException e) {
                        throw new RdbException("key '" + printable(Arrays.copyOf(key.bytes, key.length)) + "' (db " + db + ", "
                                + RdbFormat.typeName(type) + " starting at offset " + at + "): " + strip(e), e.offset());
                    }
                    if (expireAt >= 0 && expireAt <= nowMs && !keepExpired) {
                        if (type == RdbFormat.STRING || value != null) {
                            out.expiredSkipped();
                        }
                    } else if (type == RdbFormat.STRING) {
                        out.addString(db, key.bytes, key.length, string.bytes, string.length, expireAt, idle, freq, at);
                    } else if (value != null) {
                        // (null: an empty aggregate, which Redis skips too)
                        out.add(db, Arrays.copyOf(key.bytes, key.length), value, expireAt, idle, freq, at);
                    }
                    expireAt = -1;
                    idle = -1;
                    freq = -1;
                    continue;
                }
            }
            break;
        }
        if (version >= 5) {
            long computed = r.crc();
            long at = r.offset();
            long stored = r.le(8);
            if (verifyChecksum && stored != 0 && stored != computed) {
                throw new RdbException("RDB CRC error: the file's checksum does not match its content", at);
            }
        }
        out.length(r.offset());
        progress.read(r.offset());
        return out;
    }

    private void aux(LoadedDataset out, String name, byte[] value) {
        out.aux(name, value);
        if (name.equals("used-mem")) {
            try {
                progress.usedMem(Long.parseLong(new String(value, StandardCharsets.ISO_8859_1)));
            } catch (NumberFormatException e) {
                // not a figure: none to show
            }
        }
    }

    private static String strip(RdbException e) {
        String m = e.getMessage();
        int i = m.lastIndexOf(" at offset ");
        return i < 0 ? m : m.substring(0, i);
    }

    static String printable(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(key.length, 64); i++) {
            int c = key[i] & 0xff;
            if (c >= 32 && c < 127 && c != '\'' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (key.length > 64) {
            sb.append("...");
        }
        return sb.toString();
    }
}
