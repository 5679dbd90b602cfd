package kv.script.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import kv.conformance.Corpus;

/**
 * Replays scripting-libs.corpus (recorded from redis-server 7.0.15) through plain LuaJ with the
 * libraries installed, with a small stand-in for the engine's RESP2 reply conversion and error
 * wrapping. It checks the libraries before EVAL exists; the corpus itself runs against the
 * server once the engine is merged.
 */
class ScriptingLibsCorpusTest {
    @Test
    void everyRecordedReplyMatches() throws Exception {
        Path file = Path.of("src/test/resources/conformance/scripting-libs.corpus");
        Corpus.CorpusFile corpus = Corpus.parse(file, Files.readString(file));
        LuaScripts lua = new LuaScripts();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Corpus.Case c : corpus.cases) {
            for (Corpus.Exchange ex : c.exchanges) {
                String script = scriptOf(ex.request);
                String expected = new String(ex.expected(), StandardCharsets.ISO_8859_1);
                String actual = new String(run(lua, script), StandardCharsets.ISO_8859_1);
                checked++;
                if (!expected.equals(actual)) {
                    mismatches.add("line " + ex.line() + ": " + script + "\n  expected " + expected + "\n  actual   " + actual);
                }
            }
        }
        assertEquals("", String.join("\n", mismatches), mismatches.size() + " of " + checked + " differ");
    }

    /** The script of an {@code EVAL script 0} request (RESP multibulk). */
    private static String scriptOf(byte[] request) {
        String s = new String(request, StandardCharsets.ISO_8859_1);
        int p = s.indexOf("\r\n$", s.indexOf("EVAL")) + 3;
        int nl = s.indexOf("\r\n", p);
        int len = Integer.parseInt(s.substring(p, nl));
        return s.substring(nl + 2, nl + 2 + len);
    }

    private static byte[] run(LuaScripts lua, String script) throws Exception {
        byte[] body = script.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            LuaValue f = lua.globals().get("loadstring").call(LuaString.valueOf(body), LuaValue.valueOf("=user_script"));
            Varargs result = f.invoke();
            reply(out, result.arg1());
        } catch (LuaError e) {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
            // the engine names the calling line; this stand-in runs one-line scripts
            write(out, "-ERR user_script:1: " + e.getMessage() + " script: " + sha + ", on @user_script:1.\r\n");
        }
        return out.toByteArray();
    }

    /** Redis's Lua to RESP2 conversion, enough for this corpus. */
    private static void reply(ByteArrayOutputStream out, LuaValue v) {
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                write(out, "$" + s.m_length + "\r\n");
                out.write(s.m_bytes, s.m_offset, s.m_length);
                write(out, "\r\n");
            }
            case LuaValue.TNUMBER -> write(out, ":" + CLua.toInt64(v.todouble()) + "\r\n");
            case LuaValue.TBOOLEAN -> write(out, v.toboolean() ? ":1\r\n" : "$-1\r\n");
            case LuaValue.TTABLE -> {
                LuaTable t = (LuaTable) v;
                int n = 0;
                while (!t.rawget(n + 1).isnil()) {
                    n++;
                }
                write(out, "*" + n + "\r\n");
                for (int i = 1; i <= n; i++) {
                    reply(out, t.rawget(i));
                }
            }
            default -> write(out, "$-1\r\n");
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }
}
