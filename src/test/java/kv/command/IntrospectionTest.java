package kv.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import kv.RespTestClient;
import kv.server.RespServer;

/** COMMAND and its subcommands; expected bytes recorded from Redis 7.0.15 unless noted. */
@QuarkusTest
class IntrospectionTest {
    private static final String GET_INFO = "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n";

    @Inject
    RespServer server;

    private RespTestClient client() throws Exception {
        return new RespTestClient(server.port());
    }

    @Test
    void commandInfo() throws Exception {
        try (RespTestClient c = client()) {
            assertEquals("*2\r\n$-1\r\n" + GET_INFO, c.call("COMMAND", "INFO", "nope", "get"));
            assertEquals("*1\r\n" + GET_INFO, c.call("COMMAND", "INFO", "GET"));
            assertEquals("*1\r\n*10\r\n$6\r\ndbsize\r\n:1\r\n*2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:agg_sum\r\n*0\r\n*0\r\n",
                    c.call("COMMAND", "INFO", "dbsize"));
            c.call("HELLO", "3");
            assertEquals("*1\r\n*10\r\n$6\r\ndbsize\r\n:1\r\n~2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n~3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n~2\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:agg_sum\r\n~0\r\n*0\r\n",
                    c.call("COMMAND", "INFO", "dbsize"));
            assertEquals("*1\r\n_\r\n", c.call("COMMAND", "INFO", "nope"));
        }
    }

    @Test
    void commandAloneCountAndList() throws Exception {
        try (RespTestClient c = client()) {
            String count = c.call("COMMAND", "COUNT");
            int n = Integer.parseInt(count.substring(1, count.length() - 2));
            assertTrue(n >= 20);
            assertTrue(c.call("COMMAND").startsWith("*" + n + "\r\n*10\r\n"));
            String list = c.call("COMMAND", "LIST");
            assertTrue(list.contains("$11\r\nclient|kill\r\n") && list.contains("$3\r\nget\r\n"));
            assertEquals("*0\r\n", c.call("COMMAND", "LIST", "FILTERBY", "MODULE", "x"));
            assertEquals("*0\r\n", c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nope"));
            assertEquals("*2\r\n$7\r\nslowlog\r\n$11\r\nslowlog|len\r\n", c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "SLOWLOG*").replace("$11\r\nslowlog|get\r\n", "").replace("$13\r\nslowlog|reset\r\n", "").replace("$12\r\nslowlog|help\r\n", "").replace("*5\r\n", "*2\r\n"));
            assertTrue(c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "keyspace").contains("$6\r\ndbsize\r\n"));
            assertEquals("-ERR syntax error\r\n", c.call("COMMAND", "LIST", "FILTERBY", "foo", "x"));
            assertEquals("-ERR syntax error\r\n", c.call("COMMAND", "LIST", "x"));
            assertEquals("-ERR wrong number of arguments for 'command|count' command\r\n", c.call("COMMAND", "COUNT", "x"));
        }
    }

    @Test
    void getKeys() throws Exception {
        try (RespTestClient c = client()) {
            assertEquals("*1\r\n$1\r\na\r\n", c.call("COMMAND", "GETKEYS", "get", "a"));
            assertEquals("*1\r\n$1\r\na\r\n", c.call("COMMAND", "GETKEYS", "SET", "a", "b"));
            assertEquals("*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n", c.call("COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"));
            assertEquals("*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n", c.call("COMMAND", "GETKEYSANDFLAGS", "get", "a"));
            assertEquals("-ERR Invalid command specified\r\n", c.call("COMMAND", "GETKEYS", "nosuch", "a", "b"));
            assertEquals("-ERR The command has no key arguments\r\n", c.call("COMMAND", "GETKEYS", "ping", "a", "b"));
            assertEquals("-ERR Invalid number of arguments specified for command\r\n", c.call("COMMAND", "GETKEYS", "get", "a", "b"));
            assertEquals("-ERR wrong number of arguments for 'command|getkeys' command\r\n", c.call("COMMAND", "GETKEYS", "get"));
        }
    }

    @Test
    void docs() throws Exception {
        try (RespTestClient c = client()) {
            // Redis adds summary and complexity; the reference facts carry no prose, so they are left out
            assertEquals("*2\r\n$3\r\nget\r\n*6\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n",
                    c.call("COMMAND", "DOCS", "get", "nope"));
            assertEquals("*0\r\n", c.call("COMMAND", "DOCS", "nope"));
            String client = c.call("COMMAND", "DOCS", "client");
            assertTrue(client.contains("$11\r\nsubcommands\r\n") && client.contains("$11\r\nclient|kill\r\n"), client);
        }
    }

    @Test
    void help() throws Exception {
        try (RespTestClient c = client()) {
            String help = c.call("COMMAND", "HELP");
            assertTrue(help.contains("\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
            assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"));
        }
    }
}
