package kv.tools;

import java.util.ArrayList;
import java.util.List;

/** The parsed command line; defaults as redis-cli's. */
final class CliOptions {
    String host = "127.0.0.1";
    int port = 6379;
    String password;
    String user;
    int db;
    boolean resp3;
    Boolean raw; // null: decided by whether stdout is a terminal
    boolean exitOnError;
    boolean noAuthWarning;
    boolean passwordOnCommandLine;
    boolean pipe;
    boolean csv;
    long repeat = 1;          // -r: times to run the command; negative = for ever
    double intervalSeconds;   // -i: pause between repeats
    boolean lastArgFromStdin; // -x
    boolean scan;             // --scan
    String pattern;           // --pattern, with --scan
    boolean bigKeys;          // --bigkeys
    boolean memKeys;          // --memkeys, --memkeys-samples
    int memKeysSamples;       // --memkeys-samples: MEMORY USAGE's SAMPLES (0: the server's default)
    boolean hotKeys;          // --hotkeys
    boolean stat;             // --stat
    boolean latency;          // --latency, --latency-history
    boolean latencyHistory;   // --latency-history
    boolean latencyDist;      // --latency-dist
    final List<String> command = new ArrayList<>();
}
