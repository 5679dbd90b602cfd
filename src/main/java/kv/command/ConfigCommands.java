package kv.command;

import kv.engine.Call;
import kv.engine.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.config.ConfigException;
import kv.protocol.Reply;

/** CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the configuration registry. */
final class ConfigCommands {
    private ConfigCommands() {
    }

    static void register(CommandTable t) {
        t.register("config|get", ConfigCommands::get);
        t.register("config|set", ConfigCommands::set);
        t.register("config|resetstat", ConfigCommands::resetStat);
        t.register("config|rewrite", ConfigCommands::rewrite);
        t.register("config|help", ConfigCommands::help);
    }

    private static void get(Call c) {
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) {
            patterns.add(c.arg(i));
        }
        List<String[]> pairs = c.server().config().getMatching(patterns);
        Reply r = c.reply();
        r.map(pairs.size());
        for (String[] pair : pairs) {
            // the registry keeps one char per byte (ISO-8859-1), so values round-trip exactly
            r.bulk(pair[0].getBytes(StandardCharsets.ISO_8859_1));
            r.bulk(pair[1].getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static void set(Call c) {
        List<byte[]> pairs = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) {
            pairs.add(c.arg(i));
        }
        try {
            c.server().config().set(pairs, c.client().isLocal());
        } catch (ConfigException e) {
            throw c.error(e.getMessage());
        }
        c.reply().ok();
    }

    private static void resetStat(Call c) {
        c.server().resetStats();
        c.reply().ok();
    }

    private static void rewrite(Call c) {
        try {
            c.server().config().rewrite();
        } catch (ConfigException e) {
            throw c.error(e.getMessage());
        }
        c.reply().ok();
    }

    private static void help(Call c) {
        Help.reply(c, "CONFIG",
                "GET <pattern> [<pattern> ...]",
                "    Name/value pairs of every parameter matching one of the glob patterns.",
                "SET <parameter> <value> [<parameter> <value> ...]",
                "    Change runtime parameters; all of them or none.",
                "RESETSTAT",
                "    Zero the counters INFO reports.",
                "REWRITE",
                "    Write the running configuration back to the config file KV started with.");
    }
}
