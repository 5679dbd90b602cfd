package kv.command;

import kv.engine.CommandTable;

/** Registers every command family; the one place that lists them. */
public final class Commands {
    private Commands() {
    }

    public static void registerAll(CommandTable table) {
        ConnectionCommands.register(table);
        StringCommands.register(table);
        KeyCommands.register(table);
        ListCommands.register(table);
        ServerCommands.register(table);
        DebugCommand.register(table);
        ClientCommand.register(table);
        CommandCommand.register(table);
        ConfigCommands.register(table);
        TransactionCommands.register(table);
        PubSubCommands.register(table);
        HashCommands.register(table);
        SortedSetCommands.register(table);
        SetCommands.register(table);
        BitCommands.register(table);
        HyperLogLogCommands.register(table);
        StreamCommands.register(table);
        StreamGroupCommands.register(table);
        StreamClaimCommand.register(table);
        SortCommand.register(table);
        MemoryCommand.register(table);
        DumpRestoreCommands.register(table);
        PersistenceCommands.register(table);
        AofCommands.register(table);
        ScriptingCommands.register(table);
        FunctionCommands.register(table);
        ReplicationCommands.register(table);
    }
}
