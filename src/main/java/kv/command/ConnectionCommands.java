package kv.command;

import kv.engine.Call;
import kv.engine.CommandError;
import kv.engine.CommandTable;
import kv.engine.Errors;
import java.security.MessageDigest;

import kv.engine.Client;
import kv.engine.Server;
import kv.protocol.Reply;
import kv.util.ClientText;
import kv.util.Version;

/** PING, ECHO, QUIT, RESET, AUTH, HELLO, SELECT. */
final class ConnectionCommands {
    private ConnectionCommands() {
    }

    static void register(CommandTable t) {
        t.register("ping", ConnectionCommands::ping);
        t.register("echo", c -> c.reply().bulk(c.arg(1)));
        t.register("quit", ConnectionCommands::quit);
        t.register("reset", ConnectionCommands::reset);
        t.register("auth", ConnectionCommands::auth);
        t.register("hello", ConnectionCommands::hello);
        t.register("select", ConnectionCommands::select);
    }

    private static void ping(Call c) {
        if (c.argc() > 2) {
            throw c.error(Errors.wrongArity("ping"));
        }
        if (c.client().protocol() == 2 && c.server().pubSub().subscribed(c.client())) {
            // in RESP2's subscribed mode PING answers like a message: ["pong", argument or ""]
            c.reply().array(2);
            c.reply().bulkText("pong");
            c.reply().bulk(c.argc() == 2 ? c.arg(1) : new byte[0]);
        } else if (c.argc() == 2) {
            c.reply().bulk(c.arg(1));
        } else {
            c.reply().simple("PONG");
        }
    }

    private static void quit(Call c) {
        c.reply().ok();
        c.client().transport().closeAfterReply();
    }

    private static void reset(Call c) {
        Client client = c.client();
        client.db(0);
        client.protocol(2);
        client.name(null);
        client.replyMode(Client.ReplyMode.ON);
        client.noEvict(false);
        client.noTouch(false);
        client.authenticated(!c.server().authRequired());
        TransactionCommands.end(c.server(), client);
        c.server().pubSub().forget(client);
        c.server().tracking().disable(client);
        c.reply().simple("RESET");
    }

    private static void auth(Call c) {
        byte[] password;
        if (c.argc() == 2) {
            password = c.arg(1);
        } else if (c.argc() == 3) {
            if (!c.is(1, "default")) {
                throw wrongPass(c);
            }
            password = c.arg(2);
        } else {
            throw c.error(Errors.SYNTAX);
        }
        if (c.argc() == 2 && !c.server().authRequired()) {
            throw c.error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
        }
        checkPassword(c, password);
        c.reply().ok();
    }

    /** A failed authentication: counted as INFO's acl_access_denied_auth counts them. */
    private static CommandError wrongPass(Call c) {
        c.server().stats().authFailures++;
        return c.error("WRONGPASS invalid username-password pair or user is disabled.");
    }

    /**
     * Authenticates the client or throws WRONGPASS. A failed attempt changes nothing: a connection
     * that was authenticated stays so (Redis 6+), one that was not still is not.
     */
    private static void checkPassword(Call c, byte[] password) {
        Server server = c.server();
        byte[] expected = server.config().requirePass();
        if (expected == null) {
            // the default user has no password: any password is accepted for user default
            c.client().authenticated(true);
            return;
        }
        // constant-time comparison, as password checks should be
        if (!MessageDigest.isEqual(expected, password)) {
            throw wrongPass(c);
        }
        c.client().authenticated(true);
    }

    private static void hello(Call c) {
        int protocol = c.client().protocol();
        int i = 1;
        if (c.argc() >= 2) {
            long version;
            byte[] v = c.arg(1);
            if (!kv.util.Numbers.isLong(v)) {
                throw c.error("ERR Protocol version is not an integer or out of range");
            }
            version = kv.util.Numbers.parseLong(v);
            if (version < 2 || version > 3) {
                throw c.error("NOPROTO unsupported protocol version");
            }
            protocol = (int) version;
            i = 2;
        }
        byte[] name = null;
        for (; i < c.argc(); i++) {
            int left = c.argc() - i - 1;
            if (c.is(i, "AUTH") && left >= 2) {
                if (!c.is(i + 1, "default")) {
                    throw wrongPass(c); // no such user, password or not (as AUTH)
                }
                checkPassword(c, c.arg(i + 2));
                i += 2;
            } else if (c.is(i, "SETNAME") && left >= 1) {
                name = c.arg(i + 1);
                if (!ClientNames.valid(name)) {
                    throw c.error(ClientNames.INVALID);
                }
                i += 1;
            } else {
                throw c.error("ERR Syntax error in HELLO option '" + ClientText.of(c.arg(i)) + "'");
            }
        }
        if (c.server().authRequired() && !c.client().authenticated()) {
            throw c.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
        }
        if (name != null) {
            c.client().name(name.length == 0 ? null : name);
        }
        c.client().protocol(protocol);
        Reply r = c.reply();
        r.map(7);
        r.bulkText("server");
        r.bulkText("redis");
        r.bulkText("version");
        r.bulkText(Version.REDIS);
        r.bulkText("proto");
        r.integer(protocol);
        r.bulkText("id");
        r.integer(c.client().id());
        r.bulkText("mode");
        r.bulkText("standalone");
        r.bulkText("role");
        r.bulkText(c.server().readiness().replica() ? "replica" : "master");
        r.bulkText("modules");
        r.array(0);
    }

    private static void select(Call c) {
        c.client().db(KeyCommands.dbIndex(c, 1));
        c.reply().ok();
    }
}
