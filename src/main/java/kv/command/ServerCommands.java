package kv.command;

import kv.engine.Call;
import kv.engine.CommandSpec;
import kv.engine.CommandTable;
import kv.engine.Errors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;


import kv.command.Info;
import kv.observe.LatencyHistogram;
import kv.observe.LatencyMonitor;
import kv.observe.SlowLog;
import kv.protocol.Reply;
import kv.util.WallClock;

/** INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME, MONITOR, SLOWLOG, LATENCY (SHUTDOWN: {@link ShutdownCommand}). */
final class ServerCommands {

    private ServerCommands() {
    }

    static void register(CommandTable t) {
        t.register("info", ServerCommands::info);
        t.register("dbsize", c -> c.reply().integer(c.db().size()));
        t.register("flushdb", ServerCommands::flushdb);
        t.register("flushall", ServerCommands::flushall);
        t.register("time", ServerCommands::time);
        ShutdownCommand.register(t);
        t.register("monitor", ServerCommands::monitor);
        t.register("slowlog|get", ServerCommands::slowlogGet);
        t.register("slowlog|len", c -> c.reply().integer(c.server().slowLog().size()));
        t.register("slowlog|reset", ServerCommands::slowlogReset);
        t.register("slowlog|help", ServerCommands::slowlogHelp);
        t.register("latency|latest", ServerCommands::latencyLatest);
        t.register("latency|history", ServerCommands::latencyHistory);
        t.register("latency|reset", ServerCommands::latencyReset);
        t.register("latency|help", ServerCommands::latencyHelp);
        t.register("latency|histogram", ServerCommands::latencyHistogram);
    }

    // ---- INFO ----

    private static void info(Call c) {
        List<String> args = new ArrayList<>();
        for (int i = 1; i < c.argc(); i++) {
            args.add(c.text(i));
        }
        Set<String> sections = Info.select(args);
        String text = Info.render(c.server(), c.client(), sections);
        c.reply().verbatim("txt", text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- keyspace-wide ----

    /** FLUSHDB / FLUSHALL [ASYNC|SYNC]: both are O(1) here, the old tables go to the collector. */
    private static void checkFlushArgs(Call c) {
        if (c.argc() > 2 || c.argc() == 2 && !c.is(1, "ASYNC") && !c.is(1, "SYNC")) {
            throw c.error(Errors.SYNTAX);
        }
    }

    private static void flushdb(Call c) {
        checkFlushArgs(c);
        c.db().clear();
        c.propagate(c.args()); // even when nothing was there, as Redis does
        c.reply().ok();
    }

    private static void flushall(Call c) {
        checkFlushArgs(c);
        c.server().keyspace().clearAll();
        c.propagate(c.args()); // even when nothing was there, as Redis does
        c.reply().ok();
    }

    private static void time(Call c) {
        long micros = WallClock.micros();
        c.reply().array(2);
        c.reply().bulkLong(micros / 1_000_000);
        c.reply().bulkLong(micros % 1_000_000);
    }

    private static void monitor(Call c) {
        if (c.client().monitor()) {
            return; // already monitoring: Redis stays silent
        }
        c.server().clients().addMonitor(c.client());
        c.reply().ok();
    }

    // ---- SLOWLOG ----

    private static void slowlogGet(Call c) {
        if (c.argc() > 3) {
            throw Help.syntax(c);
        }
        long count = 10;
        if (c.argc() == 3) {
            count = c.longArg(2, "ERR count should be greater than or equal to -1");
            if (count < -1) {
                throw c.error("ERR count should be greater than or equal to -1");
            }
            if (count == -1) {
                count = Long.MAX_VALUE;
            }
        }
        List<SlowLog.Entry> entries = c.server().slowLog().newest(count);
        Reply r = c.reply();
        r.array(entries.size());
        for (SlowLog.Entry e : entries) {
            r.array(6);
            r.integer(e.id());
            r.integer(e.unixSeconds());
            r.integer(e.micros());
            r.array(e.args().length);
            for (byte[] a : e.args()) {
                r.bulk(a);
            }
            r.bulkText(e.clientAddress());
            r.bulkText(e.clientName());
        }
    }

    private static void slowlogReset(Call c) {
        c.server().slowLog().reset();
        c.reply().ok();
    }

    private static void slowlogHelp(Call c) {
        Help.reply(c, "SLOWLOG",
                "GET [<count>]",
                "    Show the <count> newest entries (10 unless given, -1 for every entry). Each entry",
                "    holds: id, unix time, duration in microseconds, the arguments, the client's",
                "    address and the client's name.",
                "LEN",
                "    Number of entries in the slow log.",
                "RESET",
                "    Remove every entry.");
    }

    // ---- LATENCY ----

    private static void latencyLatest(Call c) {
        Map<String, LatencyMonitor.Event> events = c.server().latency().events();
        Reply r = c.reply();
        r.array(events.size());
        for (Map.Entry<String, LatencyMonitor.Event> e : events.entrySet()) {
            LatencyMonitor.Sample last = e.getValue().latest();
            r.array(4);
            r.bulkText(e.getKey());
            r.integer(last == null ? 0 : last.unixSeconds());
            r.integer(last == null ? 0 : last.millis());
            r.integer(e.getValue().max());
        }
    }

    private static void latencyHistory(Call c) {
        LatencyMonitor.Event e = c.server().latency().events().get(c.text(2));
        Reply r = c.reply();
        if (e == null) {
            r.array(0);
            return;
        }
        List<LatencyMonitor.Sample> samples = e.history();
        r.array(samples.size());
        for (LatencyMonitor.Sample s : samples) {
            r.array(2);
            r.integer(s.unixSeconds());
            r.integer(s.millis());
        }
    }

    private static void latencyReset(Call c) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) {
            names.add(c.text(i));
        }
        c.reply().integer(c.server().latency().reset(names));
    }

    /**
     * LATENCY HISTOGRAM [command ...]: the histograms of the named commands (a container's
     * subcommands with it; "config|get" names one subcommand; unknown names and commands without
     * calls are skipped), or of every command that has one.
     */
    private static void latencyHistogram(Call c) {
        List<CommandSpec> chosen = new ArrayList<>();
        if (c.argc() == 2) {
            for (CommandSpec top : c.server().commands().commands().values()) {
                withHistograms(top, chosen);
            }
        } else {
            for (int i = 2; i < c.argc(); i++) {
                CommandSpec spec = lookupFullName(c.server().commands(), c.text(i));
                if (spec != null) {
                    withHistograms(spec, chosen);
                }
            }
        }
        Reply r = c.reply();
        r.map(chosen.size());
        for (CommandSpec spec : chosen) {
            LatencyHistogram h = spec.latency();
            List<long[]> buckets = new ArrayList<>();
            h.forEachBucket((micros, calls) -> buckets.add(new long[] {micros, calls}));
            r.bulkText(spec.fullName());
            r.map(2);
            r.bulkText("calls");
            r.integer(h.count());
            r.bulkText("histogram_usec");
            r.map(buckets.size());
            for (long[] b : buckets) {
                r.integer(b[0]);
                r.integer(b[1]);
            }
        }
    }

    /** The command and, for a container, its subcommands, those with a histogram. */
    private static void withHistograms(CommandSpec spec, List<CommandSpec> into) {
        if (spec.latency() != null) {
            into.add(spec);
        }
        for (CommandSpec sub : spec.subcommands()) {
            if (sub.latency() != null) {
                into.add(sub);
            }
        }
    }

    /** "get" or "config|get" (any case) as the table names them; null if there is no such command. */
    private static CommandSpec lookupFullName(CommandTable table, String name) {
        int bar = name.indexOf('|');
        if (bar < 0) {
            return table.lookup(name);
        }
        CommandSpec parent = table.lookup(name.substring(0, bar));
        return parent == null || name.indexOf('|', bar + 1) >= 0 ? null : parent.subcommand(name.substring(bar + 1));
    }

    private static void latencyHelp(Call c) {
        Help.reply(c, "LATENCY",
                "HISTORY <event>",
                "    The samples recorded for <event>, as (unix time, milliseconds) pairs.",
                "LATEST",
                "    For every event: its name, the time and duration of its newest sample, and the",
                "    largest duration seen.",
                "RESET [<event> ...]",
                "    Forget the samples of the given events, or of every event when none is named.",
                "HISTOGRAM [<command> ...]",
                "    Per command (\"config|get\" for a subcommand): its calls and their cumulative",
                "    latency distribution in microseconds; every command with calls when none is named.");
    }
}
