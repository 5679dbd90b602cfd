package kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

import kv.engine.EngineHarness;

/** LuaJ interns the strings it makes of numbers; scripts making many distinct ones leave the table bounded. */
class InternedLuaStringsTest {

    @Test
    void luajInternsNumbersItConverts() {
        int before = InternedLuaStrings.size();
        assertTrue(before >= 0, "LuaJ's table of interned strings was not found");
        LuaValue.valueOf(123456.789e-3 + before).strvalue();
        assertEquals(before + 1, InternedLuaStrings.size());
    }

    @Test
    void manyDistinctNumbersLeaveTheTableBounded() {
        EngineHarness e = new EngineHarness();
        String script = "local n = 0 for i = 1, 60000 do local a = (i + 0.25) .. '' local b = tostring(i * 3) "
                + "local c = string.len(i + 0.5) n = n + #a end return n";
        for (int round = 0; round < 3; round++) {
            assertTrue(e.call("EVAL", script, "0").startsWith(":"));
            assertTrue(InternedLuaStrings.size() <= InternedLuaStrings.LIMIT, "size " + InternedLuaStrings.size());
        }
        // the conversions still give Lua's text after the table was emptied
        assertEquals("$7\r\n60000.5\r\n", e.call("EVAL", "return (60000 + 0.5) .. ''", "0"));
    }
}
