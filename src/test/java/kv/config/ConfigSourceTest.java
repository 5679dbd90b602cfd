package kv.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {

    @TempDir
    Path tmp;

    private static ConfigSource.Lines args(String... a) throws ConfigException {
        return ConfigSource.fromArgs(a, new ByteArrayInputStream(new byte[0]));
    }

    private static String fatal(String... a) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(args(a)));
        return e.getMessage();
    }

    @Test
    void flagsBecomeLines() throws Exception {
        ConfigSource.Lines l = args("--port", "7000", "--save", "", "--bind", "127.0.0.1", "::1");
        assertEquals(3, l.size());
        assertEquals(List.of("port", "7000"), l.get(0).args());
        assertEquals("port \"7000\"", l.get(0).text());
        assertEquals(2, l.get(0).lineNumber(), "no file: flags start at line 2, like redis-server");
        assertEquals(List.of("save", ""), l.get(1).args());
        assertEquals(List.of("bind", "127.0.0.1", "::1"), l.get(2).args());
        assertNull(l.configFile());
    }

    @Test
    void saveWithoutValue() throws Exception {
        // redis-server 7.0: "--save" last or followed by another flag means save ""
        assertEquals(List.of("save", ""), args("--port", "1", "--save").get(1).args());
        ConfigSource.Lines l = args("--save", "--port", "1");
        assertEquals(List.of("save", ""), l.get(0).args());
        assertEquals(List.of("port", "1"), l.get(1).args());
        assertEquals("save \"\"", l.get(0).text());
        assertTrue(ServerConfig.load(args("--save")).saveParams().isEmpty());
    }

    /** Facts from redis-server 7.0.15 start-up errors. */
    @Test
    void flagQuirksAndErrors() {
        assertEquals("\n*** FATAL CONFIG FILE ERROR (KV 0.1.0) ***\n"
                + "Reading the configuration file, at line 2\n"
                + ">>> 'port \"abc\"'\n"
                + "argument couldn't be parsed into an integer\n", fatal("--port", "abc"));
        // a flag without a value swallows the next --flag as its value
        assertTrue(fatal("--port", "7202", "--appendonly", "--foo").contains(
                "at line 3\n>>> 'appendonly \"--foo\"'\nargument must be 'yes' or 'no'\n"));
        assertTrue(fatal("--port", "7202", "--appendonly").contains(
                "at line 3\n>>> 'appendonly'\nwrong number of arguments\n"));
        assertTrue(fatal("--port", "7202", "--save", "--foo").contains(
                "at line 4\n>>> 'foo'\nBad directive or wrong number of arguments\n"));
        assertTrue(fatal("--port", "7202", "--maxmemory-policy", "--foo", "2").contains(
                ">>> 'maxmemory-policy \"--foo\" \"2\"'\nwrong number of arguments\n"));
        assertTrue(fatal("--port", "7202", "foo").contains(
                "at line 2\n>>> 'port \"7202\" \"foo\"'\nwrong number of arguments\n"));
        assertTrue(fatal("--foo", "bar", "--port", "7202").contains(
                ">>> 'foo \"bar\"'\nBad directive or wrong number of arguments\n"));
        assertTrue(fatal("--port", "7202", "--loglevel", "a\"b\\n").contains(
                ">>> 'loglevel \"a\\\"b\\\\n\"'\n"));
    }

    @Test
    void nameAndValueInOneArgument() throws Exception {
        ConfigSource.Lines l = args("--port 7001", "--maxmemory", "1mb");
        assertEquals(List.of("port", "7001"), l.get(0).args());
        assertEquals(7001, ServerConfig.load(l).port());
    }

    @Test
    void fileThenFlagsAndLineNumbers() throws Exception {
        Path f = tmp.resolve("kv.conf");
        Files.writeString(f, "# c\nport 7202\nfoo bar\n");
        String msg = assertThrows(ConfigException.class,
                () -> ServerConfig.load(args(f.toString(), "--port", "7203"))).getMessage();
        assertTrue(msg.contains("at line 3\n>>> 'foo bar'\nBad directive"), msg);

        Files.writeString(f, "port 7202\nmaxmemory 1mb\n");
        ConfigSource.Lines l = args(f.toString(), "--port", "7203", "--maxmemory", "x");
        assertEquals(f.toAbsolutePath(), l.configFile());
        // file has 2 newlines: its text + "\n" + flags puts the first flag on line 4
        assertEquals(4, l.get(2).lineNumber());
        assertEquals(5, l.get(3).lineNumber());
        msg = assertThrows(ConfigException.class, () -> ServerConfig.load(l)).getMessage();
        assertTrue(msg.contains("at line 5\n>>> 'maxmemory \"x\"'\nargument must be a memory value"), msg);

        ServerConfig c = ServerConfig.load(args(f.toString(), "--port", "7203"));
        assertEquals(7203, c.port(), "flags win over the file");
        assertEquals(1024 * 1024, c.maxMemory());
    }

    @Test
    void stdin() throws Exception {
        Path f = tmp.resolve("a.conf");
        Files.writeString(f, "port 1\n");
        ConfigSource.Lines l = ConfigSource.fromArgs(new String[] {f.toString(), "--timeout", "5", "-"},
                new ByteArrayInputStream("port 2\nhz 20\n".getBytes(StandardCharsets.ISO_8859_1)));
        ServerConfig c = ServerConfig.load(l);
        assertEquals(2, c.port(), "stdin comes after the file");
        assertEquals(20, c.hz());
        assertEquals(5, c.timeoutSeconds());
        ServerConfig c2 = ServerConfig.load(ConfigSource.fromArgs(new String[] {"-", "--port", "9"},
                new ByteArrayInputStream("port 3\n".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(9, c2.port());
    }

    @Test
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> args(tmp.resolve("nope.conf").toString()));
        assertEquals("Fatal error, can't open config file '" + tmp.resolve("nope.conf")
                + "': No such file or directory", e.getMessage());
    }

    @Test
    void includes() throws Exception {
        Path inc = tmp.resolve("inc.conf");
        Files.writeString(inc, "maxmemory 5mb\nhz 20\n");
        Path main = tmp.resolve("main.conf");
        Files.writeString(main, "hz 15\ninclude " + inc + "\nport 7001\n");
        ConfigSource.Lines l = ConfigSource.fromFile(main);
        ServerConfig c = ServerConfig.load(l);
        assertEquals(5 * 1024 * 1024, c.maxMemory());
        assertEquals(20, c.hz(), "the included line comes later");
        assertEquals(ConfigLine.Origin.INCLUDED_FILE, l.get(1).origin());
        assertEquals(inc, l.get(1).file());
        assertEquals(main, c.configFile());

        Files.writeString(main, "include " + tmp.resolve("missing.conf") + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.fromFile(main));
        assertTrue(e.getMessage().startsWith("Fatal error, can't open config file"));

        Files.writeString(main, "include " + main + "\n");
        e = assertThrows(ConfigException.class, () -> ConfigSource.fromFile(main));
        assertTrue(e.getMessage().contains("Too many nested includes"));

        Files.writeString(main, "include\n");
        e = assertThrows(ConfigException.class, () -> ConfigSource.fromFile(main));
        assertTrue(e.getMessage().contains(">>> 'include'\nBad directive or wrong number of arguments"));
    }

    @Test
    void commentsBlankLinesAndCase() throws Exception {
        Path f = tmp.resolve("c.conf");
        Files.writeString(f, "\n# comment\n   \n  port 7202 \r\n   # x\nPORT x\n");
        String msg = assertThrows(ConfigException.class,
                () -> ServerConfig.load(ConfigSource.fromFile(f))).getMessage();
        assertTrue(msg.contains("at line 6\n>>> 'PORT x'\nargument couldn't be parsed into an integer"), msg);
    }

    @Test
    void unbalancedQuotesInFile() throws Exception {
        Path f = tmp.resolve("q.conf");
        Files.writeString(f, "port \"7202\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.fromFile(f));
        assertEquals("\n*** FATAL CONFIG FILE ERROR (KV 0.1.0) ***\nReading the configuration file, at line 1\n"
                + ">>> 'port \"7202'\nUnbalanced quotes in configuration line\n", e.getMessage());
    }

    @Test
    void propertiesHaveLowestPrecedence() throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("port", "7000");
        props.put("requirepass", "x");
        props.put("save", "\"\"");
        props.put("bind", "127.0.0.1 ::1");
        props.put("maxmemory", "2mb");
        ConfigSource.Lines p = ConfigSource.fromProperties(props);
        ServerConfig c = ServerConfig.load(p);
        assertEquals(7000, c.port());
        assertEquals("x", new String(c.requirePass(), StandardCharsets.ISO_8859_1));
        assertTrue(c.saveParams().isEmpty());
        assertEquals(List.of("127.0.0.1", "::1"), c.bind());

        Path f = tmp.resolve("p.conf");
        Files.writeString(f, "port 7100\nsave 100 1\n");
        ConfigSource.Lines all = ConfigSource.concat(p, ConfigSource.fromArgs(
                new String[] {f.toString(), "--maxmemory", "3mb"}, new ByteArrayInputStream(new byte[0])));
        ServerConfig c2 = ServerConfig.load(all);
        assertEquals(7100, c2.port(), "file beats properties");
        assertEquals(3 * 1024 * 1024, c2.maxMemory(), "flags beat properties");
        assertEquals("100 1", c2.get("save"), "a file save line replaces the property's");
        assertEquals("x", c2.get("requirepass"));
        assertEquals(f.toAbsolutePath(), c2.configFile());

        String msg = assertThrows(ConfigException.class,
                () -> ServerConfig.load(ConfigSource.fromProperties(Map.of("port", "abc")))).getMessage();
        assertTrue(msg.contains("Reading the configuration property\n>>> 'kv.port=abc'\n"
                + "argument couldn't be parsed into an integer"), msg);
        msg = assertThrows(ConfigException.class,
                () -> ServerConfig.load(ConfigSource.fromProperties(Map.of("nope", "1")))).getMessage();
        assertTrue(msg.contains("Bad directive"), msg);
    }

    @Test
    void nonAsciiArgsRoundTripAsBytes() throws Exception {
        ServerConfig c = ServerConfig.load(args("--requirepass", "pässwörd"));
        assertEquals("pässwörd", new String(c.requirePass(), StandardCharsets.UTF_8));
    }
}
