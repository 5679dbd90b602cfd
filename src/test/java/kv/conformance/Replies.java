package kv.conformance;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reply comparison: raw bytes, or a canonical form with unordered parts sorted. */
final class Replies {
    private Replies() {
    }

    static boolean matches(Corpus.Exchange e, List<RespReader.Value> want, List<RespReader.Value> got) {
        if (want.size() != got.size()) {
            return false;
        }
        for (int i = 0; i < want.size(); i++) {
            byte[] a = canonical(want.get(i), e.compare, e.nestedIndex);
            byte[] b = canonical(got.get(i), e.compare, e.nestedIndex);
            if (!Arrays.equals(a, b)) {
                return false;
            }
        }
        return true;
    }

    /** Canonical bytes: the value's header, then its (sorted where unordered) elements. */
    static byte[] canonical(RespReader.Value v, Corpus.Compare mode, int nested) {
        if (mode == Corpus.Compare.SHAPE) {
            String shape = v.type + (v.isAggregate() ? String.valueOf(v.children.size()) : "");
            return shape.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (mode == Corpus.Compare.EXACT || !v.isAggregate()) {
            return v.raw;
        }
        List<RespReader.Value> kids = v.children;
        List<byte[]> parts = new ArrayList<>();
        switch (mode) {
            case UNORDERED -> {
                if (v.type == '%') {
                    pairs(kids, parts);
                } else {
                    for (RespReader.Value k : kids) {
                        parts.add(k.raw);
                    }
                }
                parts.sort(Arrays::compareUnsigned);
            }
            case UNORDERED_PAIRS -> {
                if (kids.size() % 2 != 0) {
                    return v.raw;
                }
                pairs(kids, parts);
                parts.sort(Arrays::compareUnsigned);
            }
            case UNORDERED_NESTED -> {
                if (nested > kids.size()) {
                    return v.raw;
                }
                for (int i = 0; i < kids.size(); i++) {
                    parts.add(i == nested - 1 ? canonical(kids.get(i), Corpus.Compare.UNORDERED, -1) : kids.get(i).raw);
                }
            }
            default -> throw new IllegalStateException();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(v.raw, 0, v.headerLength);
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static void pairs(List<RespReader.Value> kids, List<byte[]> parts) {
        for (int i = 0; i + 1 < kids.size(); i += 2) {
            byte[] k = kids.get(i).raw;
            byte[] val = kids.get(i + 1).raw;
            byte[] p = Arrays.copyOf(k, k.length + val.length);
            System.arraycopy(val, 0, p, k.length, val.length);
            parts.add(p);
        }
    }
}
