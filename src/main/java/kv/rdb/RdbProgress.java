package kv.rdb;

/** What an RDB load tells as it goes (INFO's loading_* fields), on the thread that reads the file. */
public interface RdbProgress {
    /** Bytes read between two {@link #read} calls (Redis' default loading-process-events-interval-bytes). */
    long STEP = 2 << 20;

    RdbProgress NONE = new RdbProgress() {
        @Override
        public void read(long bytes) {
        }

        @Override
        public void usedMem(long bytes) {
        }
    };

    /** The first {@code bytes} of the stream are read: every {@link #STEP} bytes or so, and at the end. */
    void read(long bytes);

    /** The file's {@code used-mem} auxiliary field: the memory its writer used. */
    void usedMem(long bytes);
}
