package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.engine.Call;
import kv.engine.Errors;
import kv.store.SortedSet;
import kv.util.Doubles;
import kv.util.Glob;

/**
 * ZSCAN, as Redis' scanGenericCommand on a sorted set: a packed set is returned whole with cursor
 * 0; a big one is walked by member-table buckets. Scores are bulk strings in both protocols.
 */
final class ZScanCommand {
    private ZScanCommand() {
    }

    static void zscan(Call c) {
        long cursor = ScanCommand.parseCursor(c, c.arg(2));
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        if (z == null) {
            c.reply().array(2);
            c.reply().bulkText("0");
            c.reply().array(0);
            return;
        }
        ScanOptions options = ScanOptions.parse(c, 3, false);
        long count = options.count();
        byte[] pattern = options.pattern();
        List<byte[]> members = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        long maxSteps = options.maxSteps();
        do {
            cursor = z.scan(cursor, (m, s) -> {
                members.add(m);
                scores.add(s);
            });
        } while (cursor != 0 && maxSteps-- != 0 && members.size() < count);
        int kept = 0;
        for (int i = 0; i < members.size(); i++) {
            if (pattern == null || Glob.match(pattern, members.get(i), false)) {
                members.set(kept, members.get(i));
                scores.set(kept, scores.get(i));
                kept++;
            }
        }
        c.reply().array(2);
        c.reply().bulkText(Long.toUnsignedString(cursor));
        c.reply().array(kept * 2);
        for (int i = 0; i < kept; i++) {
            c.reply().bulk(members.get(i));
            c.reply().bulkText(Doubles.format(scores.get(i)));
        }
    }
}
