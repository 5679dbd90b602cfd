package kv.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The start-up index (kv/commands/index.txt) says what the JSON facts say. To regenerate it after
 * changing the JSON: {@code ./mvnw -B -o test -Dtest=CommandIndexTest -DregenerateCommandIndex=true}.
 */
class CommandIndexTest {
    private static final Path FILE = Path.of("src/main/resources" + CommandIndex.RESOURCE);

    @Test
    void indexIsGeneratedFromTheCurrentFacts() throws Exception {
        String expected = CommandIndex.render(CommandFacts.all());
        if (Boolean.getBoolean("regenerateCommandIndex")) {
            Files.writeString(FILE, expected);
        }
        assertEquals(expected, Files.readString(FILE),
                FILE + " is stale: regenerate it with -DregenerateCommandIndex=true (see this test's javadoc)");
    }

    @Test
    void everyCommandAndSubcommandDecodesAsItsFacts() {
        int checked = 0;
        for (Map.Entry<String, JsonObject> e : CommandFacts.all().entrySet()) {
            List<JsonObject> commands = new ArrayList<>(List.of(e.getValue()));
            for (Object sub : e.getValue().getJsonArray("subcommands", new JsonArray())) {
                commands.add((JsonObject) sub);
            }
            for (JsonObject facts : commands) {
                String name = facts.getString("name");
                CommandIndex.Entry entry = CommandIndex.get(name);
                assertNotNull(entry, name);
                assertEquals(facts.getInteger("arity"), entry.arity(), name);
                assertEquals(facts.getJsonArray("flags").getList(), entry.flags(), name);
                List<String> fromJson = new ArrayList<>();
                for (Object ks : facts.getJsonArray("key_specs", new JsonArray())) {
                    fromJson.add(KeySpec.fromFacts((JsonObject) ks).encode());
                }
                assertEquals(fromJson, entry.keySpecs().stream().map(KeySpec::encode).toList(), name);
                assertEquals(facts, CommandFacts.of(name), name);
                checked++;
            }
        }
        assertEquals(true, checked > 380, "commands and subcommands checked: " + checked);
    }

    @Test
    void keySpecsRoundTrip() {
        // ZUNIONSTORE dest numkeys key [key ...]: an index spec and a keynum spec
        List<KeySpec> specs = CommandIndex.get("zunionstore").keySpecs();
        assertEquals(List.of("OW,update 1 - 0 0 0 1 0 0 0 0", "RO,access 2 - 0 1 0 1 0 0 1 0"),
                specs.stream().map(KeySpec::encode).toList());
        for (KeySpec spec : specs) {
            assertEquals(spec.encode(), KeySpec.decode(spec.encode()).encode());
        }
        assertThrows(IllegalArgumentException.class, () -> KeySpec.decode("RW 1 -"));
    }

    @Test
    void unknownNamesAreAbsent() {
        assertNull(CommandIndex.get("nosuchcommand"));
        assertNull(CommandFacts.of("config|nosuch"));
        assertThrows(IllegalArgumentException.class, () -> new CommandTable().register("nosuchcommand", c -> { }));
        assertThrows(IllegalArgumentException.class, () -> new CommandTable().register("config|nosuch", c -> { }));
    }
}
