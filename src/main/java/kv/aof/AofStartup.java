package kv.aof;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import kv.config.ServerConfig;

/** What start-up finds on disk for {@code appendonly yes}: a multi-part AOF, a legacy single file, or nothing. */
public final class AofStartup {
    private AofStartup() {
    }

    /**
     * The files to replay, in order. {@code manifest} is null without a multi-part AOF;
     * {@code legacyFile} is set for a Redis 6 style {@code dir/appendonly.aof}, which becomes the
     * base once loaded.
     */
    public record Plan(AofManifest manifest, Path legacyFile, List<Path> files) {
        public boolean empty() {
            return files.isEmpty();
        }
    }

    public static Plan plan(ServerConfig config) throws AofException {
        Path dir = config.dir().resolve(config.appendDirname());
        Path manifestFile = dir.resolve(AofManifest.manifestName(config.appendFilename()));
        if (Files.exists(manifestFile)) {
            AofManifest m;
            try {
                m = AofManifest.parse(Files.readString(manifestFile, StandardCharsets.ISO_8859_1), manifestFile.toString());
            } catch (IOException e) {
                throw new AofException("Can't read the AOF manifest " + manifestFile + ": " + e.getMessage(), e);
            }
            List<Path> files = new ArrayList<>();
            for (AofManifest.Entry e : m.replayOrder()) {
                Path f = dir.resolve(e.name());
                if (!Files.isRegularFile(f)) {
                    throw new AofException("The AOF file " + f + " named in " + manifestFile + " doesn't exist");
                }
                files.add(f);
            }
            return new Plan(m, null, files);
        }
        Path legacy = config.dir().resolve(config.appendFilename());
        if (Files.isRegularFile(legacy)) {
            return new Plan(null, legacy, List.of(legacy));
        }
        return new Plan(null, null, List.of());
    }
}
