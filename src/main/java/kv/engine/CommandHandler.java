package kv.engine;

/** The implementation of one command or subcommand. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Call call);
}
