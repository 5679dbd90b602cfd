package kv.script.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** bit against replies recorded from redis-server 7.0.15. */
class BitLibTest {
    private final LuaScripts lua = new LuaScripts();

    private void pcallFails(String expected, String call) {
        assertEquals(expected, lua.str("local ok, e = pcall(" + call + ") assert(not ok) return e"), call);
    }

    @Test
    void tobitWrapsAndRoundsToEven() {
        assertEquals("[5,-1,-2147483648,2,2,-2,2,2025163840,0,0,12,0]", lua.str("return cjson.encode({bit.tobit(2^32+5), bit.tobit(-1), "
                + "bit.tobit(2^31), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5), bit.tobit(2^52+3), bit.tobit(1e20), bit.tobit(0/0), "
                + "bit.tobit(1/0), bit.tobit('12'), bit.tobit(0.4999)})"));
    }

    @Test
    void tohex() {
        assertEquals("000000ff|ffffffff|ff|00FF|000000ff||12345678|001", lua.str("return table.concat({bit.tohex(255), bit.tohex(-1), "
                + "bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(255, 20), bit.tohex(255, 0), bit.tohex(0x12345678, -2^31), "
                + "bit.tohex(1, 2^32+3)}, '|')"));
        assertEquals("ABCDEF12|abcdef12|ABCDEF12", lua.str("return table.concat({bit.tohex(0xabcdef12, -2^31), "
                + "bit.tohex(0xabcdef12, 2^31 - 1), bit.tohex(0xabcdef12, -(2^31 - 1))}, '|')"));
    }

    @Test
    void operations() {
        assertEquals("[-1,3,7,5,5,-2147483648,1,2,15,-4,3,-2147483648,2018915346,0,5]", lua.str("return cjson.encode({bit.bnot(0), "
                + "bit.band(0xff, 0x0f, 0x3), bit.bor(1,2,4), bit.bxor(7,2), bit.band(5), bit.lshift(1, 31), bit.lshift(1, 32), "
                + "bit.lshift(1, 33), bit.rshift(-1, 28), bit.arshift(-16, 2), bit.rol(0x80000001, 1), bit.ror(1, 1), "
                + "bit.bswap(0x12345678), bit.rshift(1,-1), bit.rol(5, 0)})"));
    }

    @Test
    void errors() {
        pcallFails("bad argument #1 to 'band' (number expected, got no value)", "bit.band");
        pcallFails("bad argument #3 to 'band' (number expected, got table)", "bit.band, 1, 'x', {}");
        pcallFails("bad argument #1 to 'tobit' (number expected, got string)", "bit.tobit, 'x'");
        pcallFails("bad argument #1 to 'tobit' (number expected, got no value)", "bit.tobit");
        pcallFails("bad argument #1 to 'tobit' (number expected, got boolean)", "bit.tobit, true");
        pcallFails("bad argument #2 to 'tohex' (number expected, got string)", "bit.tohex, 1, 'x'");
        pcallFails("bad argument #2 to 'tohex' (number expected, got nil)", "bit.tohex, 1, nil");
        pcallFails("bad argument #2 to 'lshift' (number expected, got no value)", "bit.lshift, 1");
        pcallFails("bad argument #1 to 'bnot' (number expected, got nil)", "bit.bnot, nil");
        assertEquals("0", lua.str("return tostring(bit.tobit('0'))"));
    }
}
