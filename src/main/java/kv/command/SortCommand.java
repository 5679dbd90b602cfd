package kv.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.HashFieldExpiry;
import kv.engine.KeySpec;
import kv.store.Db;
import kv.store.HashValue;
import kv.store.ListEncoding;
import kv.store.ListValue;
import kv.store.PackedList;
import kv.store.SetValue;
import kv.store.SortedSet;
import kv.store.StringValues;
import kv.store.ValueType;
import kv.store.Values;
import kv.store.ZsetCursor;
import kv.util.StrToD;
import kv.util.Tokens;

/**
 * SORT and SORT_RO: sort the elements of a list, set or sorted set numerically or by bytes,
 * optionally by the values of other keys (BY pattern, hash fields with {@code ->}), then return
 * them or the values of other keys (GET), or store the result as a list (STORE).
 */
public final class SortCommand {
    private SortCommand() {
    }

    public static void register(CommandTable t) {
        t.register("sort", c -> sort(c, false));
        t.register("sort_ro", c -> sort(c, true));
        t.registerKeyFinder("sort", SortCommand::sortKeys);
        t.registerKeyFinder("sort_ro", (argv, specs) -> List.of(new KeySpec.KeyRef(1, specs.get(0))));
    }

    /**
     * The source key and the last STORE destination, found as Redis does: options are skipped
     * with their argument counts (LIMIT 2, GET and BY 1) without validating them.
     */
    private static List<KeySpec.KeyRef> sortKeys(byte[][] argv, List<KeySpec> specs) {
        KeySpec.KeyRef source = new KeySpec.KeyRef(1, specs.get(0));
        KeySpec.KeyRef store = null;
        for (int i = 2; i < argv.length; i++) {
            if (Tokens.equalsIgnoreCase(argv[i], "limit")) {
                i += 2;
            } else if (Tokens.equalsIgnoreCase(argv[i], "get") || Tokens.equalsIgnoreCase(argv[i], "by")) {
                i += 1;
            } else if (Tokens.equalsIgnoreCase(argv[i], "store") && i + 1 < argv.length) {
                store = new KeySpec.KeyRef(i + 1, specs.get(2));
            }
        }
        return store == null ? List.of(source) : List.of(source, store);
    }

    /** One element to sort with its sort key: a score, or bytes for ALPHA with BY. */
    private static final class Item {
        final byte[] element;
        double score;
        byte[] by;

        Item(byte[] element) {
            this.element = element;
        }
    }

    /** The parsed options. */
    private static final class Options {
        boolean desc;
        boolean alpha;
        long limitStart;
        long limitCount = -1;
        byte[] by;
        boolean dontSort;
        byte[] store;
        final List<byte[]> gets = new ArrayList<>();
    }

    private static Options parse(Call c, boolean readOnly) {
        Options o = new Options();
        for (int j = 2; j < c.argc(); j++) {
            int left = c.argc() - j - 1;
            if (c.is(j, "ASC")) {
                o.desc = false;
            } else if (c.is(j, "DESC")) {
                o.desc = true;
            } else if (c.is(j, "ALPHA")) {
                o.alpha = true;
            } else if (c.is(j, "LIMIT") && left >= 2) {
                o.limitStart = c.longArg(j + 1);
                o.limitCount = c.longArg(j + 2);
                j += 2;
            } else if (!readOnly && c.is(j, "STORE") && left >= 1) {
                o.store = c.arg(++j);
            } else if (c.is(j, "BY") && left >= 1) {
                o.by = c.arg(++j);
                // a BY pattern without '*' names no keys: Redis takes it as "do not sort"
                o.dontSort = indexOf(o.by, (byte) '*', 0) < 0;
            } else if (c.is(j, "GET") && left >= 1) {
                o.gets.add(c.arg(++j));
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        return o;
    }

    private static void sort(Call c, boolean readOnly) {
        Options o = parse(c, readOnly);
        Db db = c.db();
        Object source = db.read(c.arg(1));
        if (source != null) {
            ValueType type = Values.type(source);
            if (type != ValueType.LIST && type != ValueType.SET && type != ValueType.ZSET) {
                throw c.error(Errors.WRONGTYPE);
            }
        }
        boolean ordered = source instanceof ListValue || source instanceof SortedSet;
        if (o.dontSort && source instanceof SetValue && o.store != null) {
            // a set's iteration order is not part of its value: a stored result must not depend on it
            o.dontSort = false;
            o.alpha = true;
            o.by = null;
        }
        int size = size(source);
        // LIMIT as Redis clamps it (C long arithmetic, including its wrap-around)
        long start = o.limitStart < 0 ? 0 : o.limitStart;
        long end = o.limitCount < 0 ? size - 1 : start + o.limitCount - 1;
        if (start >= size) {
            start = size - 1;
            end = size - 2;
        }
        if (end >= size) {
            end = size - 1;
        }
        Item[] items;
        if (ordered && o.dontSort) {
            // native order, only the LIMIT range loaded; DESC walks from the other end
            int count = (int) Math.max(0, end - start + 1);
            items = loadRange(source, start, count, o.desc);
            end -= start;
            start = 0;
        } else {
            items = loadAll(source, size);
        }
        if (!o.dontSort) {
            if (!scoreAll(c, o, items)) {
                throw c.error("ERR One or more scores can't be converted into double");
            }
            Arrays.sort(items, comparator(o));
        }
        int groups = (int) (end - start + 1);
        int perItem = o.gets.isEmpty() ? 1 : o.gets.size();
        if (o.store == null) {
            c.reply().array(Math.max(0, groups) * perItem);
            for (long j = start; j <= end; j++) {
                replyItem(c, o, items[(int) j].element);
            }
        } else {
            store(c, o, items, start, end, Math.max(0, groups) * perItem);
        }
    }

    private static void replyItem(Call c, Options o, byte[] element) {
        if (o.gets.isEmpty()) {
            c.reply().bulk(element);
            return;
        }
        for (byte[] pattern : o.gets) {
            byte[] v = lookup(c, pattern, element);
            if (v == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(v);
            }
        }
    }

    private static void store(Call c, Options o, Item[] items, long start, long end, int count) {
        Db db = c.db();
        if (count == 0) {
            db.remove(o.store);
            c.reply().integer(0);
            return;
        }
        byte[][] out = new byte[count][];
        int n = 0;
        for (long j = start; j <= end; j++) {
            byte[] element = items[(int) j].element;
            if (o.gets.isEmpty()) {
                out[n++] = element;
            } else {
                for (byte[] pattern : o.gets) {
                    byte[] v = lookup(c, pattern, element);
                    out[n++] = v == null ? new byte[0] : v;
                }
            }
        }
        int fill = c.server().config().listMaxListpackSize();
        long payload = 0;
        for (byte[] v : out) {
            payload += v.length + 2;
        }
        ListValue list = ListEncoding.growing(new PackedList((int) Math.min(payload, 1 << 16)), out, 0, count - 1, fill);
        for (byte[] v : out) {
            list.push(false, v, fill);
        }
        db.put(o.store, list);
        c.reply().integer(count);
    }

    private static int size(Object source) {
        if (source instanceof ListValue l) {
            return (int) l.size();
        }
        if (source instanceof SetValue s) {
            return s.size();
        }
        if (source instanceof SortedSet z) {
            return z.size();
        }
        return 0;
    }

    private static Item[] loadAll(Object source, int size) {
        Item[] items = new Item[size];
        int[] n = {0};
        if (source instanceof ListValue l) {
            l.visit(0, true, (buf, off, len) -> {
                items[n[0]++] = new Item(Arrays.copyOfRange(buf, off, off + len));
                return true;
            });
        } else if (source instanceof SetValue s) {
            s.forEach(m -> items[n[0]++] = new Item(m.clone()));
        } else if (source instanceof SortedSet z) {
            z.forEach((m, score) -> items[n[0]++] = new Item(m.clone()));
        }
        return items;
    }

    private static Item[] loadRange(Object source, long start, int count, boolean desc) {
        Item[] items = new Item[count];
        if (count == 0) {
            return items;
        }
        if (source instanceof ListValue l) {
            int[] n = {0};
            l.visit(desc ? l.size() - start - 1 : start, !desc, (buf, off, len) -> {
                items[n[0]++] = new Item(Arrays.copyOfRange(buf, off, off + len));
                return n[0] < count;
            });
        } else {
            SortedSet z = (SortedSet) source;
            int rank = (int) (desc ? z.size() - 1 - start : start);
            ZsetCursor cur = z.cursor(rank, desc);
            for (int i = 0; i < count && cur.valid(); i++, cur.advance()) {
                items[i] = new Item(cur.member().clone());
            }
        }
        return items;
    }

    /** Fills in the sort keys; false if a numeric one does not parse as a double. */
    private static boolean scoreAll(Call c, Options o, Item[] items) {
        boolean ok = true;
        StrToD parser = new StrToD();
        for (Item item : items) {
            byte[] by;
            if (o.by != null) {
                by = lookup(c, o.by, item.element);
                if (by == null) {
                    continue; // a missing BY value sorts as 0 (or first, with ALPHA)
                }
            } else {
                by = item.element;
            }
            if (o.alpha) {
                if (o.by != null) {
                    item.by = by;
                }
            } else {
                parser.parse(by, 0, by.length);
                boolean whole = parser.end == by.length || by[parser.end] == 0;
                if (!whole || parser.rangeError || Double.isNaN(parser.value)) {
                    ok = false;
                }
                item.score = parser.value;
            }
        }
        return ok;
    }

    private static java.util.Comparator<Item> comparator(Options o) {
        // Redis compares with strcoll (C locale: C strings, unsigned bytes) unless it stores,
        // then with binary-safe memcmp
        boolean cString = o.store == null;
        java.util.Comparator<Item> cmp;
        if (!o.alpha) {
            cmp = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1
                    : Arrays.compareUnsigned(a.element, b.element);
        } else if (o.by != null) {
            cmp = (a, b) -> {
                if (a.by == null || b.by == null) {
                    return a.by == b.by ? 0 : a.by == null ? -1 : 1;
                }
                return compareBytes(a.by, b.by, cString);
            };
        } else {
            cmp = (a, b) -> compareBytes(a.element, b.element, cString);
        }
        return o.desc ? cmp.reversed() : cmp;
    }

    private static int compareBytes(byte[] a, byte[] b, boolean cString) {
        if (!cString) {
            return Arrays.compareUnsigned(a, b);
        }
        int la = cLength(a);
        int lb = cLength(b);
        return Arrays.compareUnsigned(a, 0, la, b, 0, lb);
    }

    private static int cLength(byte[] s) {
        int i = indexOf(s, (byte) 0, 0);
        return i < 0 ? s.length : i;
    }

    /**
     * The value a GET/BY pattern names for {@code element}: "#" is the element itself; otherwise
     * the first '*' is replaced by the element, and a "->field" after it reads a hash field. Keys
     * that are missing or of another type give null.
     */
    static byte[] lookup(Call c, byte[] pattern, byte[] element) {
        if (pattern.length == 1 && pattern[0] == '#') {
            return element;
        }
        int star = indexOf(pattern, (byte) '*', 0);
        if (star < 0) {
            return null;
        }
        int arrow = arrow(pattern, star + 1);
        int keyEnd = arrow < 0 ? pattern.length : arrow;
        byte[] key = new byte[star + element.length + keyEnd - star - 1];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
        Object value = c.db().read(key);
        if (value == null) {
            return null;
        }
        if (arrow >= 0) {
            if (!(value instanceof HashValue h)) {
                return null;
            }
            // fields past their TTL are gone before anyone reads them (it may delete the hash)
            h = HashFieldExpiry.expireDue(c.server(), c.db(), key, h, Integer.MAX_VALUE);
            return h == null ? null : h.get(Arrays.copyOfRange(pattern, arrow + 2, pattern.length));
        }
        return StringValues.isString(value) ? StringValues.bytes(value) : null;
    }

    /** The first "->" at or after {@code from} that has a field name after it, or -1. */
    private static int arrow(byte[] p, int from) {
        for (int i = from; i + 1 < p.length; i++) {
            if (p[i] == '-' && p[i + 1] == '>') {
                return i + 2 < p.length ? i : -1;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
