package kv.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands this server implements, with the facts the reference servers report for them.
 * Families {@link #register} handlers under Redis' names; only registered commands are visible to
 * clients and to COMMAND. Names are matched case-insensitively straight from the request bytes.
 */
public final class CommandTable {
    /** Implemented top-level commands by the name clients call them (after rename-command). */
    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    /** Rebuilt on the first lookup after a change: registering ~400 commands must not rebuild it ~400 times. */
    private NameIndex index;

    public CommandTable() {
    }

    /**
     * Makes a command or subcommand ("config|get") available. The name must be one the reference
     * servers know: KV implements Redis' commands, not its own.
     */
    public void register(String fullName, CommandHandler handler) {
        String name = fullName.toLowerCase(Locale.ROOT);
        int bar = name.indexOf('|');
        if (bar < 0) {
            spec(name).handler(handler);
        } else {
            CommandSpec parent = spec(name.substring(0, bar));
            CommandSpec sub = parent.subcommand(name.substring(bar + 1));
            if (sub == null) {
                CommandIndex.Entry entry = CommandIndex.get(name);
                if (entry == null) {
                    throw new IllegalArgumentException("not a Redis subcommand: " + name);
                }
                sub = new CommandSpec(entry, parent);
                parent.addSubcommand(sub);
            }
            sub.handler(handler);
        }
        rebuildIndex();
    }

    private CommandSpec spec(String name) {
        CommandSpec spec = byName.get(name);
        if (spec == null) {
            CommandIndex.Entry entry = CommandIndex.get(name);
            if (entry == null) {
                throw new IllegalArgumentException("not a Redis command: " + name);
            }
            spec = new CommandSpec(entry, null);
            byName.put(name, spec);
        }
        return spec;
    }

    /** Registers the argument-dependent key flags of {@code fullName} (see {@link CommandSpec.KeyFlags}). */
    public void registerKeyFlags(String name, CommandSpec.KeyFlags rule) {
        CommandSpec spec = byName.get(name.toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("register the command before its key flags: " + name);
        }
        spec.keyFlags(rule);
    }

    /** Registers the argument-dependent denyoom of {@code name} (see {@link CommandSpec#deniesOom}). */
    public void registerOomRule(String name, CommandSpec.OomRule rule) {
        CommandSpec spec = byName.get(name.toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("register the command before its OOM rule: " + name);
        }
        spec.oomRule(rule);
    }

    /** Registers how to find the keys the specs of {@code name} cannot (see {@link CommandSpec.KeyFinder}). */
    public void registerKeyFinder(String name, CommandSpec.KeyFinder finder) {
        CommandSpec spec = byName.get(name.toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("register the command before its key finder: " + name);
        }
        spec.keyFinder(finder);
    }

    /**
     * rename-command: {@code newName} empty removes the command. Throws with Redis' start-up
     * texts for an unknown command or a name already taken.
     */
    public void rename(String original, String newName) {
        String target = newName.toLowerCase(Locale.ROOT);
        if (!newName.isEmpty() && byName.containsKey(target)) {
            throw new IllegalArgumentException("Target command name already exists");
        }
        CommandSpec spec = byName.remove(original.toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new IllegalArgumentException("No such command in rename-command");
        }
        if (!newName.isEmpty()) {
            byName.put(newName.toLowerCase(Locale.ROOT), spec);
        }
        rebuildIndex();
    }

    private void rebuildIndex() {
        index = null;
    }

    /** The command called {@code name} (any case), or null. */
    public CommandSpec lookup(byte[] name) {
        NameIndex i = index;
        if (i == null) {
            i = new NameIndex(new ArrayList<>(byName.entrySet()));
            index = i;
        }
        return i.get(name);
    }

    public CommandSpec lookup(String name) {
        return byName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Implemented top-level commands, keyed by the name clients use. */
    public Map<String, CommandSpec> commands() {
        return byName;
    }

    /** Every implemented command and subcommand with a handler. */
    public List<CommandSpec> allWithHandlers() {
        List<CommandSpec> all = new ArrayList<>();
        for (CommandSpec spec : byName.values()) {
            if (spec.handler() != null) {
                all.add(spec);
            }
            for (CommandSpec sub : spec.subcommands()) {
                all.add(sub);
            }
        }
        return all;
    }

    public void resetStats() {
        for (CommandSpec spec : allWithHandlers()) {
            spec.resetStats();
        }
        for (CommandSpec spec : byName.values()) {
            spec.resetStats();
        }
    }

    /** Open-addressing index from ASCII-case-folded name bytes to spec: no String per request. */
    private static final class NameIndex {
        private final byte[][] names;
        private final CommandSpec[] specs;
        private final int mask;

        NameIndex(List<Map.Entry<String, CommandSpec>> entries) {
            int capacity = 16;
            while (capacity < entries.size() * 3) {
                capacity <<= 1;
            }
            names = new byte[capacity][];
            specs = new CommandSpec[capacity];
            mask = capacity - 1;
            for (Map.Entry<String, CommandSpec> e : entries) {
                byte[] n = e.getKey().getBytes(StandardCharsets.UTF_8);
                int i = hash(n) & mask;
                while (names[i] != null) {
                    i = (i + 1) & mask;
                }
                names[i] = n;
                specs[i] = e.getValue();
            }
        }

        private static int hash(byte[] name) {
            int h = 0;
            for (byte b : name) {
                h = h * 31 + lower(b);
            }
            return h ^ (h >>> 16);
        }

        private static int lower(byte b) {
            return b >= 'A' && b <= 'Z' ? b + 32 : b;
        }

        CommandSpec get(byte[] name) {
            int i = hash(name) & mask;
            while (true) {
                byte[] n = names[i];
                if (n == null) {
                    return null;
                }
                if (n.length == name.length && equalsIgnoreCase(n, name)) {
                    return specs[i];
                }
                i = (i + 1) & mask;
            }
        }

        private static boolean equalsIgnoreCase(byte[] lowerName, byte[] name) {
            for (int j = 0; j < name.length; j++) {
                if (lowerName[j] != lower(name[j])) {
                    return false;
                }
            }
            return true;
        }
    }
}
