package kv.command;

import kv.engine.Call;
import kv.engine.Clients;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.PubSub;
import kv.engine.Server;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import kv.protocol.DiscardingReply;
import kv.protocol.Reply;
import kv.engine.Client;
import kv.engine.Clients;
import kv.util.ClientText;

/** CLIENT and its subcommands (Redis 7.2 set; tracking and caching in {@link ClientTracking}). */
final class ClientCommand {
    private ClientCommand() {
    }

    static void register(CommandTable t) {
        t.register("client|id", c -> c.reply().integer(c.client().id()));
        t.register("client|setname", ClientCommand::setName);
        t.register("client|getname", ClientCommand::getName);
        t.register("client|list", ClientCommand::list);
        t.register("client|info", c -> c.reply().verbatim("txt", (line(c.server(), c.client(), System.currentTimeMillis()) + "\n").getBytes(StandardCharsets.UTF_8)));
        t.register("client|kill", ClientCommand::kill);
        t.register("client|setinfo", ClientCommand::setInfo);
        t.register("client|pause", ClientCommand::pause);
        t.register("client|unpause", c -> {
            c.server().clients().unpause(Clients.PauseSource.CLIENT_COMMAND);
            c.reply().ok();
        });
        t.register("client|reply", ClientCommand::reply);
        t.register("client|no-evict", c -> c.client().noEvict(onOff(c)));
        t.register("client|no-touch", c -> c.client().noTouch(onOff(c)));
        t.register("client|help", ClientCommand::help);
        t.register("client|unblock", ClientCommand::unblock);
        ClientTracking.register(t);
    }

    // ---- the CLIENT LIST line ----

    /**
     * One client in Redis 7.2's CLIENT LIST format. The output fields follow Redis' meaning with
     * KV's buffers: rbs is the capacity of the reply chunk held for the next replies (16384 at
     * first, then resized to the use as Redis resizes its reply buffer, 1024 at least; 0 before the
     * first reply and once idle for a second or two), rbp its peak use since the last peak reset,
     * obl the bytes waiting in it, oll the further buffers waiting
     * (filled chunks, and buffers handed to the socket that the kernel has not accepted yet),
     * omem their bytes (Netty's bookkeeping per queued buffer included), tot-mem qbuf, multi-mem, rbs and omem.
     * Figures KV does not track per client are 0: fd (Netty does not expose it),
     * qbuf-free, argv-mem. qbuf is the partial request's bytes (the parser keeps no raw query
     * buffer), multi-mem the MULTI queue's estimate.
     */
    static String line(Server server, Client cl, long nowMs) {
        Client.OutputUsage output = cl.transport().outputUsage();
        StringBuilder sb = new StringBuilder(256);
        sb.append("id=").append(cl.id());
        sb.append(" addr=").append(cl.transport().remoteAddress());
        sb.append(" laddr=").append(cl.transport().localAddress());
        sb.append(" fd=0");
        sb.append(" name=").append(cl.nameText());
        sb.append(" age=").append(Math.max(0, (nowMs - cl.createdMs()) / 1000));
        sb.append(" idle=").append(Math.max(0, (nowMs - cl.lastInteractionMs()) / 1000));
        sb.append(" flags=").append(flags(server, cl));
        sb.append(" db=").append(cl.db());
        PubSub pubSub = server.pubSub();
        sb.append(" sub=").append(pubSub.channelsOf(cl)).append(" psub=").append(pubSub.patternsOf(cl));
        sb.append(" ssub=").append(pubSub.shardChannelsOf(cl)).append(" multi=").append(cl.transaction() == null ? -1 : cl.transaction().size());
        long qbuf = cl.transport().pendingInput();
        long multiMem = cl.transaction() == null ? 0 : cl.transaction().bytes();
        sb.append(" qbuf=").append(qbuf).append(" qbuf-free=0 argv-mem=0 multi-mem=").append(multiMem);
        sb.append(" rbs=").append(output.bufferCapacity());
        sb.append(" rbp=").append(output.bufferPeak());
        sb.append(" obl=").append(output.bufferBytes());
        sb.append(" oll=").append(output.queuedBuffers());
        sb.append(" omem=").append(output.queuedBytes());
        sb.append(" tot-mem=").append(qbuf + multiMem + output.bufferCapacity() + output.queuedBytes());
        sb.append(" events=").append(output.total() > 0 ? "rw" : "r");
        sb.append(" cmd=").append(cl.lastCommand());
        sb.append(" user=default redir=").append(cl.tracking() == null ? -1 : cl.tracking().redirect());
        sb.append(" resp=").append(cl.protocol());
        sb.append(" lib-name=").append(cl.libName() == null ? "" : cl.libName());
        sb.append(" lib-ver=").append(cl.libVersion() == null ? "" : cl.libVersion());
        return sb.toString();
    }

    private static String flags(Server server, Client cl) {
        StringBuilder f = new StringBuilder();
        if (cl.replica()) {
            f.append('S');
        }
        if (cl.monitor()) {
            f.append('O');
        }
        if (cl.isMaster()) {
            f.append('M');
        }
        if (server.pubSub().subscribed(cl)) {
            f.append('P');
        }
        if (cl.transaction() != null) {
            f.append('x');
        }
        if (cl.blocked() || cl.postponed()) {
            f.append('b');
        }
        if (cl.tracking() != null) {
            f.append('t');
            if (cl.tracking().brokenRedirect()) {
                f.append('R');
            }
            if (cl.tracking().bcast()) {
                f.append('B');
            }
        }
        if (cl.transactionDoomed()) {
            f.append('d');
        }
        if (cl.noEvict()) {
            f.append('e');
        }
        if (cl.noTouch()) {
            f.append('T');
        }
        return f.length() == 0 ? "N" : f.toString();
    }

    /** Redis' client type of a connection: master (our master's link), pubsub while it listens to anything, else normal. */
    private static int typeOf(Server server, Client cl) {
        if (cl.replica()) {
            return 1;
        }
        if (cl.isMaster()) {
            return 3;
        }
        return server.pubSub().subscribed(cl) ? 2 : 0;
    }

    private static int type(Call c, int i) {
        String t = c.text(i).toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "normal": return 0;
            case "slave": case "replica": return 1;
            case "pubsub": return 2;
            case "master": return 3;
            default: throw c.error("ERR Unknown client type '" + ClientText.of(c.arg(i)) + "'");
        }
    }

    // ---- subcommands ----

    private static void setName(Call c) {
        byte[] name = c.arg(2);
        if (!ClientNames.valid(name)) {
            throw c.error(ClientNames.INVALID);
        }
        c.client().name(name.length == 0 ? null : name);
        c.reply().ok();
    }

    private static void getName(Call c) {
        byte[] name = c.client().name();
        if (name == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(name);
        }
    }

    private static void list(Call c) {
        Clients clients = c.server().clients();
        long now = System.currentTimeMillis();
        StringBuilder out = new StringBuilder();
        if (c.argc() == 4 && c.is(2, "TYPE")) {
            int type = type(c, 3);
            for (Client cl : clients.all()) {
                if (typeOf(c.server(), cl) == type) {
                    out.append(line(c.server(), cl, now)).append('\n');
                }
            }
        } else if (c.argc() > 3 && c.is(2, "ID")) {
            List<Long> ids = new ArrayList<>();
            for (int i = 3; i < c.argc(); i++) {
                ids.add(c.longArg(i, "ERR Invalid client ID"));
            }
            for (long id : ids) {
                Client cl = clients.byId(id);
                if (cl != null) {
                    out.append(line(c.server(), cl, now)).append('\n');
                }
            }
        } else if (c.argc() != 2) {
            throw c.error(Errors.SYNTAX);
        } else {
            for (Client cl : clients.all()) {
                out.append(line(c.server(), cl, now)).append('\n');
            }
        }
        c.reply().verbatim("txt", out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** CLIENT KILL addr | CLIENT KILL [ID id] [TYPE t] [ADDR a] [LADDR a] [USER u] [SKIPME yes|no] [MAXAGE s]. */
    private static void kill(Call c) {
        String addr = null;
        String laddr = null;
        int type = -1;
        long id = 0;
        long maxAge = 0;
        boolean skipMe = true;
        boolean oldForm = c.argc() == 3;
        if (oldForm) {
            addr = c.text(2);
            skipMe = false; // with the old form a client may kill itself
        } else {
            for (int i = 2; i < c.argc(); i += 2) {
                boolean more = i + 1 < c.argc();
                if (c.is(i, "ID") && more) {
                    id = c.longArg(i + 1, "ERR client-id should be greater than 0");
                    if (id < 1) {
                        throw c.error("ERR client-id should be greater than 0");
                    }
                } else if (c.is(i, "TYPE") && more) {
                    type = type(c, i + 1);
                } else if (c.is(i, "ADDR") && more) {
                    addr = c.text(i + 1);
                } else if (c.is(i, "LADDR") && more) {
                    laddr = c.text(i + 1);
                } else if (c.is(i, "USER") && more) {
                    if (!c.text(i + 1).equals("default")) {
                        throw c.error("ERR No such user '" + ClientText.of(c.arg(i + 1)) + "'");
                    }
                } else if (c.is(i, "SKIPME") && more) {
                    if (c.is(i + 1, "YES")) {
                        skipMe = true;
                    } else if (c.is(i + 1, "NO")) {
                        skipMe = false;
                    } else {
                        throw c.error(Errors.SYNTAX);
                    }
                } else if (c.is(i, "MAXAGE") && more) {
                    maxAge = c.longArg(i + 1, "ERR maxage is not an integer or out of range");
                } else {
                    throw c.error(Errors.SYNTAX);
                }
            }
        }
        long now = System.currentTimeMillis();
        int killed = 0;
        for (Client cl : new ArrayList<>(c.server().clients().all())) {
            if (addr != null && !addr.equals(cl.transport().remoteAddress())
                    || laddr != null && !laddr.equals(cl.transport().localAddress())
                    || type != -1 && type != typeOf(c.server(), cl)
                    || id != 0 && cl.id() != id
                    || maxAge > 0 && (now - cl.createdMs()) / 1000 < maxAge
                    || skipMe && cl == c.client()) {
                continue;
            }
            killed++;
            cl.transport().closeAfterReply();
        }
        if (oldForm) {
            if (killed == 0) {
                throw c.error("ERR No such client");
            }
            c.reply().ok();
        } else {
            c.reply().integer(killed);
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command. */
    private static void unblock(Call c) {
        boolean error = false;
        if (c.argc() == 4) {
            if (c.is(3, "ERROR")) {
                error = true;
            } else if (!c.is(3, "TIMEOUT")) {
                throw c.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        long id = c.longArg(2);
        Client target = c.server().clients().byId(id);
        c.reply().integer(target != null && c.server().blocking().unblock(target, error) ? 1 : 0);
    }

    /** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2). */
    private static void setInfo(Call c) {
        String attr = c.text(2);
        boolean name;
        if (attr.equalsIgnoreCase("lib-name")) {
            name = true;
        } else if (attr.equalsIgnoreCase("lib-ver")) {
            name = false;
        } else {
            throw c.error("ERR Unrecognized option '" + ClientText.of(c.arg(2)) + "'");
        }
        byte[] value = c.arg(3);
        if (!ClientNames.valid(value)) {
            throw c.error("ERR " + ClientText.of(c.arg(2)) + " cannot contain spaces, newlines or special characters.");
        }
        String v = value.length == 0 ? null : new String(value, StandardCharsets.US_ASCII);
        if (name) {
            c.client().libName(v);
        } else {
            c.client().libVersion(v);
        }
        c.reply().ok();
    }

    /** CLIENT PAUSE timeout-ms [WRITE|ALL]. */
    private static void pause(Call c) {
        boolean all = true;
        if (c.argc() == 4) {
            if (c.is(3, "WRITE")) {
                all = false;
            } else if (!c.is(3, "ALL")) {
                throw c.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
            }
        }
        long timeout = c.longArg(2, "ERR timeout is not an integer or out of range");
        if (timeout < 0) {
            throw c.error("ERR timeout is negative");
        }
        long now = System.currentTimeMillis();
        if (timeout > Long.MAX_VALUE - now) {
            throw c.error("ERR timeout is out of range");
        }
        c.server().clients().pause(Clients.PauseSource.CLIENT_COMMAND, now + timeout, all, now);
        c.reply().ok();
    }

    /** CLIENT REPLY ON|OFF|SKIP; the dispatcher mutes replies according to the mode. */
    private static void reply(Call c) {
        Client client = c.client();
        if (c.is(2, "ON")) {
            client.replyMode(Client.ReplyMode.ON);
            client.skipNextReply(false);
            if (c.reply() instanceof DiscardingReply) {
                // this command started muted; its OK is the first reply after the mode ends
                client.transport().push(Reply::ok);
            } else {
                c.reply().ok();
            }
        } else if (c.is(2, "OFF")) {
            client.replyMode(Client.ReplyMode.OFF);
        } else if (c.is(2, "SKIP")) {
            if (client.replyMode() != Client.ReplyMode.OFF) {
                client.skipNextReply(true);
            }
        } else {
            throw c.error(Errors.SYNTAX);
        }
    }

    /** ON/OFF argument of NO-EVICT and NO-TOUCH; replies OK. */
    private static boolean onOff(Call c) {
        boolean on;
        if (c.is(2, "ON")) {
            on = true;
        } else if (c.is(2, "OFF")) {
            on = false;
        } else {
            throw c.error(Errors.SYNTAX);
        }
        c.reply().ok();
        return on;
    }

    private static void help(Call c) {
        Help.reply(c, "CLIENT",
                "GETNAME",
                "    The name of this connection, or nil.",
                "ID",
                "    The unique id of this connection.",
                "INFO",
                "    One line describing this connection, in the format of CLIENT LIST.",
                "KILL <ip:port>",
                "    Close the connection coming from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Close every connection matching all the given filters:",
                "    * ID <client-id>",
                "      The connection with this id.",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Connections coming from this address.",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Connections made to this local address.",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Connections of this type.",
                "    * USER <username>",
                "      Connections authenticated as <username>.",
                "    * SKIPME (YES|NO)",
                "      Whether to spare the calling connection (default: yes).",
                "    * MAXAGE <seconds>",
                "      Connections at least <seconds> old.",
                "LIST [options ...]",
                "    One line per connection. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Only connections of this type.",
                "    * ID <client-id> [<client-id> ...]",
                "      Only the connections with these ids.",
                "UNBLOCK <client-id> [TIMEOUT|ERROR]",
                "    End the blocking command of that client, as a timeout would, or with an error.",
                "UNPAUSE",
                "    End a CLIENT PAUSE now.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Hold the commands of clients (every command, or only writes) for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)",
                "    Turn the replies to this connection on or off, or skip the reply to the next command.",
                "SETINFO <option> <value>",
                "    Record the client library in use; <option> is LIB-NAME or LIB-VER.",
                "SETNAME <name>",
                "    Name this connection.",
                "NO-EVICT (ON|OFF)",
                "    Exempt this connection from client eviction.",
                "NO-TOUCH (ON|OFF)",
                "    When ON, commands of this connection leave the keys' access time unchanged (TOUCH excepted).");
    }
}
