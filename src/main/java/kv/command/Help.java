package kv.command;

import kv.engine.Call;
import kv.engine.CommandError;
import kv.engine.Errors;

/** HELP replies in Redis' shape: a usage line, the entries, then the HELP entry, as status lines. */
final class Help {
    private Help() {
    }

    static void reply(Call c, String command, String... lines) {
        c.reply().array(lines.length + 3);
        c.reply().simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            c.reply().simple(line);
        }
        c.reply().simple("HELP");
        c.reply().simple("    Prints this help.");
    }

    /** Redis' addReplySubcommandSyntaxError. */
    static CommandError syntax(Call c) {
        String container = c.spec().parent() == null ? c.spec().fullName() : c.spec().parent().fullName();
        return c.error(Errors.subcommandSyntax(c.arg(1), container));
    }
}
