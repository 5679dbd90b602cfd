package kv.rdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import kv.store.HashValue;
import kv.store.ListValue;
import kv.store.SetValue;
import kv.store.SortedSet;
import kv.store.StreamGroup;
import kv.store.StreamValue;
import kv.store.StringValues;
import kv.store.Values;

/** A value's content as text, independent of its encoding: what a round trip must keep. */
final class Canonical {
    private Canonical() {
    }

    static String s(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    static String of(Object v) {
        StringBuilder sb = new StringBuilder(Values.type(v).typeName()).append(':');
        if (StringValues.isString(v)) {
            byte[] b = StringValues.bytes(v);
            return sb.append(s(b, 0, b.length)).toString();
        }
        if (v instanceof ListValue l) {
            List<String> out = new ArrayList<>();
            l.visit(0, true, (b, o, n) -> out.add(s(b, o, n)));
            return sb.append(out).toString();
        }
        if (v instanceof SetValue set) {
            TreeSet<String> out = new TreeSet<>();
            set.forEach(m -> out.add(s(m, 0, m.length)));
            return sb.append(out).toString();
        }
        if (v instanceof SortedSet z) {
            List<String> out = new ArrayList<>();
            z.forEach((m, d) -> out.add(s(m, 0, m.length) + "=" + d));
            return sb.append(out).toString();
        }
        if (v instanceof HashValue h) {
            TreeSet<String> out = new TreeSet<>();
            h.forEachWithTtl((f, x, when) -> out.add(s(f, 0, f.length) + "=" + s(x, 0, x.length) + "@" + when));
            return sb.append(out).toString();
        }
        StreamValue st = (StreamValue) v;
        List<String> out = new ArrayList<>();
        st.forEach(new StreamValue.EntryVisitor() {
            @Override
            public void entry(long ms, long seq) {
                out.add(ms + "-" + seq);
            }

            @Override
            public void element(byte[] b, int offset, int length) {
                out.add(s(b, offset, length));
            }
        });
        sb.append(out).append(" len=").append(st.length()).append(" last=").append(st.lastId())
                .append(" first=").append(st.firstId()).append(" maxdel=").append(st.maxDeletedId())
                .append(" added=").append(st.entriesAdded());
        for (StreamGroup g : st.groups()) {
            sb.append(" group ").append(s(g.name, 0, g.name.length)).append(' ').append(g.lastId).append(' ')
                    .append(g.entriesRead);
            for (StreamGroup.Pending p : g.pending.values()) {
                sb.append(" pel ").append(p.id).append('/').append(s(p.owner.name, 0, p.owner.name.length)).append('/')
                        .append(p.deliveryTime).append('/').append(p.deliveryCount);
            }
            for (StreamGroup.Consumer c : g.consumers.values()) {
                sb.append(" consumer ").append(s(c.name, 0, c.name.length)).append('/').append(c.seenTime)
                        .append('/').append(c.pending.keySet());
            }
        }
        return sb.toString();
    }
}
