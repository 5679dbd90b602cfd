package kv.repl;

/** What a client announced with REPLCONF before (and after) it asked to sync. Data thread only. */
final class ReplicaSettings {
    /** listening-port: the port it serves clients on (INFO's slaveN port, ROLE). */
    int listeningPort;
    /** ip-address: the address it asked to be known by (replica-announce-ip), or null. */
    private String announcedIp;
    /** capa eof: it can read an RDB framed by an EOF mark (diskless sync). */
    boolean capaEof;
    /** capa psync2: it understands +CONTINUE with a replication id. */
    boolean capaPsync2;
    /** rdb-only 1: it wants the RDB only (redis-cli --rdb), no stream after it. */
    boolean rdbOnly;

    String announcedIp() {
        return announcedIp;
    }

    void announcedIp(String ip) {
        announcedIp = ip;
    }
}
