package kv.command;

import java.util.ArrayList;
import java.util.List;

import kv.engine.Call;
import kv.engine.Client;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.engine.Tracking;
import kv.util.ClientText;

/** CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (client-side caching; see {@link Tracking}). */
final class ClientTracking {
    private ClientTracking() {
    }

    static void register(CommandTable t) {
        t.register("client|tracking", ClientTracking::tracking);
        t.register("client|caching", ClientTracking::caching);
        t.register("client|getredir", ClientTracking::getRedir);
        t.register("client|trackinginfo", ClientTracking::trackingInfo);
    }

    /** CLIENT TRACKING on|off [REDIRECT id] [PREFIX p]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP], checked in Redis' order. */
    private static void tracking(Call c) {
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int j = 3; j < c.argc(); j++) {
            boolean more = j < c.argc() - 1;
            if (c.is(j, "REDIRECT") && more) {
                j++;
                if (redirect != 0) {
                    throw c.error("ERR A client can only redirect to a single other client");
                }
                redirect = c.longArg(j);
                if (c.server().clients().byId(redirect) == null) {
                    throw c.error("ERR The client ID you want redirect to does not exist");
                }
            } else if (c.is(j, "BCAST")) {
                bcast = true;
            } else if (c.is(j, "OPTIN")) {
                optin = true;
            } else if (c.is(j, "OPTOUT")) {
                optout = true;
            } else if (c.is(j, "NOLOOP")) {
                noloop = true;
            } else if (c.is(j, "PREFIX") && more) {
                prefixes.add(c.arg(++j));
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        Client client = c.client();
        Tracking tracking = c.server().tracking();
        if (c.is(2, "ON")) {
            Tracking.Mode now = client.tracking();
            if (!bcast && !prefixes.isEmpty()) {
                throw c.error("ERR PREFIX option requires BCAST mode to be enabled");
            }
            if (now != null && now.bcast() != bcast) {
                throw c.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
            }
            if (bcast && (optin || optout)) {
                throw c.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
            }
            if (optin && optout) {
                throw c.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
            }
            if (now != null && ((optin && now.optout()) || (optout && now.optin()))) {
                throw c.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
            }
            if (bcast) {
                checkPrefixes(c, now, prefixes);
            }
            tracking.enable(client, redirect, bcast, optin, optout, noloop, prefixes);
        } else if (c.is(2, "OFF")) {
            tracking.disable(client);
        } else {
            throw c.error(Errors.SYNTAX);
        }
        c.reply().ok();
    }

    /** A client's prefixes must not overlap each other, old or new (one would shadow the other). */
    private static void checkPrefixes(Call c, Tracking.Mode now, List<byte[]> prefixes) {
        for (int i = 0; i < prefixes.size(); i++) {
            byte[] p = prefixes.get(i);
            byte[] existing = Tracking.overlapping(now, p);
            if (existing != null) {
                throw c.error("ERR Prefix '" + ClientText.of(p) + "' overlaps with an existing prefix '" + ClientText.of(existing)
                        + "'. Prefixes for a single client must not overlap.");
            }
            for (int j = i + 1; j < prefixes.size(); j++) {
                if (Tracking.overlap(p, prefixes.get(j))) {
                    throw c.error("ERR Prefix '" + ClientText.of(p) + "' overlaps with another provided prefix '"
                            + ClientText.of(prefixes.get(j)) + "'. Prefixes for a single client must not overlap.");
                }
            }
        }
    }

    private static void caching(Call c) {
        Tracking.Mode m = c.client().tracking();
        if (m == null) {
            throw c.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
        }
        if (c.is(2, "YES")) {
            if (!m.optin()) {
                throw c.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
        } else if (c.is(2, "NO")) {
            if (!m.optout()) {
                throw c.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
        } else {
            throw c.error(Errors.SYNTAX);
        }
        c.server().tracking().cacheNextCommand(c.client());
        c.reply().ok();
    }

    private static void getRedir(Call c) {
        Tracking.Mode m = c.client().tracking();
        c.reply().integer(m == null ? -1 : m.redirect());
    }

    private static void trackingInfo(Call c) {
        Tracking.Mode m = c.client().tracking();
        List<String> flags = new ArrayList<>();
        if (m == null) {
            flags.add("off");
        } else {
            flags.add("on");
            if (m.bcast()) {
                flags.add("bcast");
            }
            if (m.optin()) {
                flags.add("optin");
                if (m.caching()) {
                    flags.add("caching-yes");
                }
            }
            if (m.optout()) {
                flags.add("optout");
                if (m.caching()) {
                    flags.add("caching-no");
                }
            }
            if (m.noloop()) {
                flags.add("noloop");
            }
            if (m.brokenRedirect()) {
                flags.add("broken_redirect");
            }
        }
        c.reply().map(3);
        c.reply().bulkText("flags");
        c.reply().set(flags.size());
        for (String f : flags) {
            c.reply().bulkText(f);
        }
        c.reply().bulkText("redirect");
        c.reply().integer(m == null ? -1 : m.redirect());
        c.reply().bulkText("prefixes");
        if (m == null) {
            c.reply().array(0);
            return;
        }
        c.reply().array(m.prefixes().size());
        for (byte[] p : m.prefixes()) {
            c.reply().bulk(p);
        }
    }
}
