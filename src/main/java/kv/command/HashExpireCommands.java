package kv.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Propagation;
import kv.store.Db;
import kv.store.HashValue;
import kv.store.ValueType;
import kv.util.Numbers;

/**
 * Hash field expiration, as Redis 8 (7.4+) has it: HEXPIRE/HPEXPIRE/HEXPIREAT/HPEXPIREAT with
 * NX/XX/GT/LT, HTTL/HPTTL/HEXPIRETIME/HPEXPIRETIME, HPERSIST, HGETDEL, HGETEX and HSETEX, with
 * per-field codes: -2 no such field, 0 condition not met, 1 done, 2 deleted because the time is
 * not in the future. Times are unix milliseconds, at most 2^48-1 (Redis' EB_EXPIRE_TIME_MAX).
 */
final class HashExpireCommands {
    /** Redis' EB_EXPIRE_TIME_MAX: the largest field expiry, in unix ms. */
    static final long MAX_TIME = (1L << 48) - 1;

    private static final String FIELDS_MISSING = "ERR Mandatory argument FIELDS is missing or not at the right position";
    private static final String NUMFIELDS_MISMATCH = "ERR The `numfields` parameter must match the number of arguments";
    private static final String NUMFIELDS_POSITIVE = "ERR Number of fields must be a positive integer";
    private static final String HEXPIRE_NUMFIELDS = "ERR Parameter `numFields` should be greater than 0";

    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 3;
    private static final int LT = 4;

    private HashExpireCommands() {
    }

    static void register(CommandTable t) {
        t.register("hexpire", c -> hexpire(c, 1000, true));
        t.register("hpexpire", c -> hexpire(c, 1, true));
        t.register("hexpireat", c -> hexpire(c, 1000, false));
        t.register("hpexpireat", c -> hexpire(c, 1, false));
        t.register("httl", c -> httl(c, true, true));
        t.register("hpttl", c -> httl(c, false, true));
        t.register("hexpiretime", c -> httl(c, true, false));
        t.register("hpexpiretime", c -> httl(c, false, false));
        t.register("hpersist", HashExpireCommands::hpersist);
        t.register("hgetdel", HashExpireCommands::hgetdel);
        t.register("hgetex", HashExpireCommands::hgetex);
        t.register("hsetex", HashExpireCommands::hsetex);
    }

    /** Type check first, as Redis' lookup + checkType do before any argument is read. */
    private static void checkType(Call c) {
        c.db().read(c.arg(1), ValueType.HASH, Db.NO_TOUCH | Db.NO_STATS);
    }

    /**
     * Validates "FIELDS numfields field..." with FIELDS at {@code at}; returns numfields.
     * {@code pairs}: each field is followed by a value (HSETEX).
     */
    private static int fieldsBlock(Call c, int at, String numfieldsError) {
        if (at >= c.argc() || !c.is(at, "FIELDS")) {
            throw c.error(FIELDS_MISSING);
        }
        if (at + 1 >= c.argc()) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        long n = c.longArg(at + 1, numfieldsError);
        if (n < 1) {
            throw c.error(numfieldsError);
        }
        if (n != c.argc() - at - 2) {
            throw c.error(NUMFIELDS_MISMATCH);
        }
        return (int) n;
    }

    private static byte[][] fields(Call c, int first, int n) {
        return Arrays.copyOfRange(c.args(), first, first + n);
    }

    /** An absolute expiry in ms from a relative or absolute argument in {@code unitMs}. */
    private static long expireArg(Call c, int i, long unitMs, boolean relative, String negativeError) {
        long v = c.longArg(i);
        if (v < 0) {
            throw c.error(negativeError);
        }
        if (unitMs == 1000) {
            if (v > MAX_TIME / 1000) {
                throw c.error(Errors.invalidExpireTime(c.spec().fullName()));
            }
            v *= 1000;
        }
        long base = relative ? c.now() : 0;
        if (v > MAX_TIME - base) {
            throw c.error(Errors.invalidExpireTime(c.spec().fullName()));
        }
        return v + base;
    }

    private static void replyAll(Call c, int n, long code) {
        c.reply().array(n);
        for (int i = 0; i < n; i++) {
            c.reply().integer(code);
        }
    }

    /** HEXPIRE key seconds [NX|XX|GT|LT] FIELDS numfields field... (and the other three). */
    private static void hexpire(Call c, long unitMs, boolean relative) {
        checkType(c);
        long when = expireArg(c, 2, unitMs, relative, "ERR invalid expire time, must be >= 0");
        int at = 3;
        int condition = 0;
        if (c.is(at, "nx")) {
            condition = NX;
        } else if (c.is(at, "xx")) {
            condition = XX;
        } else if (c.is(at, "gt")) {
            condition = GT;
        } else if (c.is(at, "lt")) {
            condition = LT;
        }
        if (condition != 0) {
            at++;
        }
        int n = fieldsBlock(c, at, HEXPIRE_NUMFIELDS);
        int first = at + 2;
        byte[] key = c.arg(1);
        HashValue h = HashCommands.modify(c, key);
        if (h == null) {
            replyAll(c, n, HashValue.NO_FIELD);
            return;
        }
        h.enableFieldTtls();
        long now = c.now();
        c.reply().array(n);
        for (int i = 0; i < n; i++) {
            byte[] field = c.arg(first + i);
            long prev = h.ttl(field);
            if (prev == HashValue.NO_FIELD) {
                c.reply().integer(HashValue.NO_FIELD);
                continue;
            }
            boolean met;
            if (prev == HashValue.NO_TTL) {
                // a field without TTL only takes one without a condition or with NX
                met = condition == 0 || condition == NX;
            } else {
                met = !(condition == NX || (condition == GT && prev >= when) || (condition == LT && prev <= when));
            }
            if (!met) {
                c.reply().integer(0);
            } else if (when <= now) {
                h.delete(field);
                c.reply().integer(2);
            } else {
                h.setTtl(field, when);
                c.reply().integer(1);
            }
        }
        c.db().modified(key);
        // absolute milliseconds, so that a replay sets the same deadlines
        byte[] cond = condition == 0 ? null : c.arg(3);
        c.propagate(Propagation.hpexpireat(key, when, cond, fields(c, first, n)));
    }

    /** HTTL / HPTTL / HEXPIRETIME / HPEXPIRETIME key FIELDS numfields field... */
    private static void httl(Call c, boolean seconds, boolean remaining) {
        checkType(c);
        int n = fieldsBlock(c, 2, NUMFIELDS_POSITIVE);
        HashValue h = HashCommands.read(c, c.arg(1));
        if (h == null) {
            replyAll(c, n, HashValue.NO_FIELD);
            return;
        }
        long base = remaining ? c.now() : 0;
        c.reply().array(n);
        for (int i = 0; i < n; i++) {
            long when = h.ttl(c.arg(4 + i));
            if (when < 0) {
                c.reply().integer(when);
            } else if (seconds) {
                c.reply().integer((when + 999 - base) / 1000);
            } else {
                c.reply().integer(when - base);
            }
        }
    }

    /** HPERSIST key FIELDS numfields field...: 1 removed, -1 no TTL, -2 no field. */
    private static void hpersist(Call c) {
        checkType(c);
        int n = fieldsBlock(c, 2, NUMFIELDS_POSITIVE);
        byte[] key = c.arg(1);
        HashValue h = HashCommands.modify(c, key);
        if (h == null) {
            replyAll(c, n, HashValue.NO_FIELD);
            return;
        }
        c.reply().array(n);
        for (int i = 0; i < n; i++) {
            c.reply().integer(h.persist(c.arg(4 + i)));
        }
        c.db().modified(key);
    }

    /** HGETDEL key FIELDS numfields field...: the values (nil when absent), then the fields are gone. */
    private static void hgetdel(Call c) {
        int n = fieldsBlock(c, 2, NUMFIELDS_POSITIVE);
        checkType(c);
        byte[] key = c.arg(1);
        HashValue h = HashCommands.modify(c, key);
        c.reply().array(n);
        if (h == null) {
            for (int i = 0; i < n; i++) {
                c.reply().nullBulk();
            }
            return;
        }
        List<byte[]> deleted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] field = c.arg(4 + i);
            byte[] v = h.get(field);
            if (v == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(v);
                h.delete(field);
                deleted.add(field);
            }
        }
        c.db().modified(key);
        if (!deleted.isEmpty()) {
            c.propagate(Propagation.hdel(key, deleted));
        }
    }

    /** Parsed expiry options of HGETEX / HSETEX. */
    private static final class ExpiryOption {
        /** The option token's index, or -1 when none was given. */
        int at = -1;
        boolean relative;
        boolean persistOrKeep;
        long when;
    }

    private static final String[] EXPIRY_TOKENS = {"EX", "PX", "EXAT", "PXAT"};

    /** Reads an expiry option at {@code i} if there is one; returns the index after it. */
    private static int expiryOption(Call c, int i, ExpiryOption o, String flagToken, String exclusiveError) {
        for (int k = 0; k < EXPIRY_TOKENS.length; k++) {
            if (c.is(i, EXPIRY_TOKENS[k])) {
                if (o.at >= 0) {
                    throw c.error(exclusiveError);
                }
                if (i + 1 >= c.argc()) {
                    throw c.error(Errors.SYNTAX);
                }
                o.at = i;
                o.relative = k < 2;
                long unit = k % 2 == 0 ? 1000 : 1;
                o.when = expireArg(c, i + 1, unit, o.relative, Errors.invalidExpireTime(c.spec().fullName()));
                return i + 2;
            }
        }
        if (c.is(i, flagToken)) {
            if (o.at >= 0) {
                throw c.error(exclusiveError);
            }
            o.at = i;
            o.persistOrKeep = true;
            return i + 1;
        }
        return i;
    }

    /** HGETEX key [EX|PX|EXAT|PXAT time | PERSIST] FIELDS numfields field... */
    private static void hgetex(Call c) {
        checkType(c);
        ExpiryOption o = new ExpiryOption();
        int i = 2;
        while (i < c.argc() && !c.is(i, "FIELDS")) {
            int next = expiryOption(c, i, o, "PERSIST", "ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified");
            if (next == i) {
                throw c.error(FIELDS_MISSING);
            }
            i = next;
        }
        int n = fieldsBlock(c, i, NUMFIELDS_POSITIVE);
        int first = i + 2;
        byte[] key = c.arg(1);
        if (o.at < 0) {
            HashValue h = HashCommands.read(c, key);
            c.reply().array(n);
            for (int k = 0; k < n; k++) {
                byte[] v = h == null ? null : h.get(c.arg(first + k));
                if (v == null) {
                    c.reply().nullBulk();
                } else {
                    c.reply().bulk(v);
                }
            }
            return;
        }
        HashValue h = HashCommands.modify(c, key);
        c.reply().array(n);
        if (h == null) {
            for (int k = 0; k < n; k++) {
                c.reply().nullBulk();
            }
            return;
        }
        h.enableFieldTtls();
        long now = c.now();
        List<byte[]> touched = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            byte[] field = c.arg(first + k);
            byte[] v = h.get(field);
            if (v == null) {
                c.reply().nullBulk();
                continue;
            }
            c.reply().bulk(v);
            if (o.persistOrKeep) {
                if (h.persist(field) == 1) {
                    touched.add(field);
                }
            } else if (o.when <= now) {
                h.delete(field);
                touched.add(field);
            } else {
                h.setTtl(field, o.when);
                touched.add(field);
            }
        }
        c.db().modified(key);
        if (!touched.isEmpty()) {
            byte[][] fs = touched.toArray(new byte[0][]);
            if (o.persistOrKeep) {
                c.propagate(hpersist(key, fs));
            } else {
                c.propagate(Propagation.hpexpireat(key, o.when, null, fs));
            }
        }
    }

    private static byte[][] hpersist(byte[] key, byte[][] fields) {
        byte[][] argv = new byte[4 + fields.length][];
        argv[0] = "HPERSIST".getBytes();
        argv[1] = key;
        argv[2] = "FIELDS".getBytes();
        argv[3] = Numbers.toBytes(fields.length);
        System.arraycopy(fields, 0, argv, 4, fields.length);
        return argv;
    }

    /** HSETEX key [FNX|FXX] [EX|PX|EXAT|PXAT time | KEEPTTL] FIELDS numfields field value... */
    private static void hsetex(Call c) {
        checkType(c);
        ExpiryOption o = new ExpiryOption();
        int condition = 0;
        int conditionAt = -1;
        int i = 2;
        while (i < c.argc() && !c.is(i, "FIELDS")) {
            if (c.is(i, "FNX") || c.is(i, "FXX")) {
                if (condition != 0) {
                    throw c.error("ERR Only one of FXX or FNX arguments can be specified");
                }
                condition = c.is(i, "FNX") ? NX : XX;
                conditionAt = i;
                i++;
                continue;
            }
            int next = expiryOption(c, i, o, "KEEPTTL", "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
            if (next == i) {
                throw c.error(FIELDS_MISSING);
            }
            i = next;
        }
        if (i >= c.argc()) {
            throw c.error(FIELDS_MISSING);
        }
        if (i + 1 >= c.argc()) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        long n = c.longArg(i + 1, "ERR invalid number of fields");
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw c.error("ERR invalid number of fields");
        }
        if (n * 2 != c.argc() - i - 2) {
            throw c.error(Errors.wrongArity(c.spec().fullName()));
        }
        int first = i + 2;
        byte[] key = c.arg(1);
        HashValue h = HashCommands.modify(c, key);
        boolean created = h == null;
        if (created) {
            h = new HashValue();
        }
        if (condition != 0) {
            boolean ok = true;
            for (int k = 0; k < n && ok; k++) {
                boolean exists = h.contains(c.arg(first + 2 * k));
                ok = condition == NX ? !exists : exists;
            }
            if (!ok) {
                if (!created) {
                    c.db().modified(key);
                }
                c.reply().integer(0);
                return;
            }
        }
        long maxEntries = HashCommands.maxEntries(c);
        long maxValue = HashCommands.maxValue(c);
        h.prepareFor(c.args(), first, c.argc() - 1, maxValue);
        boolean setTtl = o.at >= 0 && !o.persistOrKeep;
        if (setTtl) {
            h.enableFieldTtls();
        }
        boolean past = setTtl && o.when <= c.now();
        for (int k = 0; k < n; k++) {
            byte[] field = c.arg(first + 2 * k);
            byte[] value = c.arg(first + 2 * k + 1);
            if (past) {
                h.delete(field);
            } else if (o.persistOrKeep) {
                h.setKeepTtl(field, value, maxEntries, maxValue);
            } else {
                h.set(field, value, maxEntries, maxValue);
                if (setTtl) {
                    h.setTtl(field, o.when);
                }
            }
        }
        HashCommands.store(c, key, h, created);
        if (past) {
            List<byte[]> fs = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                fs.add(c.arg(first + 2 * k));
            }
            c.propagate(Propagation.hdel(key, fs));
        } else if (setTtl && o.relative) {
            c.propagate(hsetexPxat(c, key, conditionAt, o.when, i));
        }
        c.reply().integer(1);
    }

    /** HSETEX as called, with the relative time replaced by PXAT and the absolute ms. */
    private static byte[][] hsetexPxat(Call c, byte[] key, int conditionAt, long when, int fieldsAt) {
        List<byte[]> argv = new ArrayList<>();
        argv.add(c.arg(0));
        argv.add(key);
        if (conditionAt >= 0) {
            argv.add(c.arg(conditionAt));
        }
        argv.add("PXAT".getBytes());
        argv.add(Numbers.toBytes(when));
        for (int k = fieldsAt; k < c.argc(); k++) {
            argv.add(c.arg(k));
        }
        return argv.toArray(new byte[0][]);
    }
}
