package kv.script.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** cmsgpack against replies recorded from redis-server 7.0.15 (hex of the packed bytes, values, error texts). */
class CmsgpackLibTest {
    private final LuaScripts lua = new LuaScripts();

    private void packs(String hex, String args) {
        assertEquals(hex, lua.str("return hex(cmsgpack.pack(" + args + "))"), args);
    }

    private void pcallFails(String expected, String call) {
        assertEquals(expected, lua.str("local ok, e = pcall(" + call + ") assert(not ok) return e"), call);
    }

    /** The results of a call, encoded as one msgpack array so nil holes and types show. */
    private String results(String call) {
        return lua.str("return hex(cmsgpack.pack({" + call + "}))");
    }

    @Test
    void integers() {
        packs("00017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff",
                "0,1,127,128,255,256,65535,65536,4294967295,4294967296,-1,-32,-33,-128,-129,-32768,-32769,-2147483648,-2147483649");
    }

    @Test
    void floatsAreFloat32WhenExact() {
        packs("ca3f000000cb3fb999999999999a", "0.5, 0.1");
        packs("00", "-0.0");
        packs("ca7f800000caff800000cbfff8000000000000cb7e37e43c8800759cca5f000000ca5f800000"
                + "d38000000000000000ca3fc00000cb47eff933c78cdfadcf0020000000000000",
                "1/0, -1/0, 0/0, 1e300, 2^63, 2^64, -2^63, 1.5, 3.4e38, 2^53+1");
    }

    @Test
    void stringsAndScalars() {
        packs("a0a161bf" + "78".repeat(31) + "d920" + "78".repeat(32) + "c3c2c0",
                "'', 'a', string.rep('x',31), string.rep('x',32), true, false, nil");
        assertEquals("d9ff7878 da010078 db0001000078", lua.str("return hex(cmsgpack.pack(string.rep('x',255))):sub(1,8)..' '.."
                + "hex(cmsgpack.pack(string.rep('x',256))):sub(1,8)..' '..hex(cmsgpack.pack(string.rep('x',65536))):sub(1,12)"));
        packs("c0c0c0", "type, coroutine.create(function() end), cjson.null");
    }

    @Test
    void tables() {
        packs("9092010281a1610182010103038102018301010202a17803", "{}, {1,2}, {a=1}, {1,nil,3}, {[2]=1}, {[1]=1,[2]=2,x=3}");
        packs("81ca3fc0000001", "{[1.5]=1}");
        packs("8201010303", "{[1]=1,[3]=3}");
        assertEquals("dc00100102030405060708090a0b0c0d0e0f10", lua.str("local t={} for i=1,16 do t[i]=i end return hex(cmsgpack.pack(t))"));
        assertEquals("de0010", lua.str("local t={} for i=1,16 do t['k'..i]=1 end return hex(cmsgpack.pack(t)):sub(1,6)"));
        assertEquals("dd0001000000", lua.str("local t={} for i=1,65536 do t[i]=0 end return hex(cmsgpack.pack(t)):sub(1,12)"));
        // tables nested deeper than 16 levels are packed as nil
        assertEquals("91".repeat(16) + "c0", lua.str("local t={} local c=t for i=1,20 do c[1]={} c=c[1] end return hex(cmsgpack.pack(t))"));
    }

    @Test
    void packErrors() {
        pcallFails("bad argument #0 to 'pack' (MessagePack pack needs input.)", "cmsgpack.pack");
    }

    @Test
    void unpack() {
        assertEquals("9501a16192010281a161c3c2", results("cmsgpack.unpack(cmsgpack.pack(1,'a',{1,2},{a=true},false))"));
        assertEquals("90", results("cmsgpack.unpack('')"));
        assertEquals("923132", results("cmsgpack.unpack(12)"));
        assertEquals("[0.1,-0.5,1e+300]", lua.str("return cjson.encode({cmsgpack.unpack(cmsgpack.pack(0.1, -0.5, 1e300))})"));
        assertEquals("1 1", lua.str("local t = {cmsgpack.unpack('\\147\\192\\1\\192')} return #t..' '..t[1][2]"));
        assertEquals("9190", results("cmsgpack.unpack('\\129\\1\\192')"));
        assertEquals("91a161", results("cmsgpack.unpack('\\217\\1a')"));
        assertEquals("true true",
                lua.str("local a, b = cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255\\211\\128\\0\\0\\0\\0\\0\\0\\0') "
                        + "return tostring(a == 2^64)..' '..tostring(b == -2^63)"));
    }

    @Test
    void unpackErrors() {
        pcallFails("Missing bytes in input.", "cmsgpack.unpack, '\\205\\1'");
        pcallFails("Missing bytes in input.", "cmsgpack.unpack, '\\145'");
        pcallFails("Missing bytes in input.", "cmsgpack.unpack, '\\218\\0\\3ab'");
        pcallFails("Missing bytes in input.", "cmsgpack.unpack, '\\221\\255\\255\\255\\255'");
        pcallFails("Missing bytes in input.", "cmsgpack.unpack, '\\223\\0\\0\\0\\1\\1'");
        pcallFails("Bad data format in input.", "cmsgpack.unpack, '\\193'");
        pcallFails("Bad data format in input.", "cmsgpack.unpack, '\\212\\1\\1'");
        pcallFails("Bad data format in input.", "cmsgpack.unpack, '\\196\\2ab'");
        pcallFails("Bad data format in input.", "cmsgpack.unpack, '\\199\\1\\1a'");
        pcallFails("table index is nil", "cmsgpack.unpack, '\\129\\192\\1'");
        pcallFails("table index is NaN", "cmsgpack.unpack, '\\217\\1a\\129\\203\\127\\248\\0\\0\\0\\0\\0\\0\\1'");
        pcallFails("bad argument #1 to 'unpack' (string expected, got no value)", "cmsgpack.unpack");
        pcallFails("bad argument #1 to 'unpack' (string expected, got table)", "cmsgpack.unpack, {}");
    }

    @Test
    void unpackOneAndLimit() {
        assertEquals("920101", results("cmsgpack.unpack_one(cmsgpack.pack(1,2,3))"));
        assertEquals("920202", results("cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 1)"));
        assertEquals("92ff03", results("cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 2)"));
        assertEquals("91ff", results("cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 3)"));
        assertEquals("91ff", results("cmsgpack.unpack_one('')"));
        assertEquals("92ff02", results("cmsgpack.unpack_one('\\1\\2', 1.9)"));
        assertEquals("92ff02", results("cmsgpack.unpack_one('\\1\\2', '1')"));
        assertEquals("93020102", results("cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)"));
        assertEquals("93010203", results("cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 0)"));
        assertEquals("93ff0203", results("cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 5, 1)"));
        assertEquals("920101", results("cmsgpack.unpack_limit('\\1\\2', 1.9)"));
        pcallFails("Start offset 4 greater than input length 3.", "cmsgpack.unpack_one, cmsgpack.pack(1,2,3), 4");
        pcallFails("Invalid request to unpack with offset of -1 and limit of 3.", "cmsgpack.unpack_one, cmsgpack.pack(1,2,3), -1");
        pcallFails("Invalid request to unpack with offset of 0 and limit of 3.", "cmsgpack.unpack_limit, cmsgpack.pack(1,2,3), -1");
        pcallFails("bad argument #2 to 'unpack_limit' (number expected, got no value)", "cmsgpack.unpack_limit, cmsgpack.pack(1,2,3)");
        pcallFails("bad argument #2 to 'unpack_limit' (number expected, got string)", "cmsgpack.unpack_limit, cmsgpack.pack(1,2,3), 'x'");
        pcallFails("bad argument #2 to 'unpack_one' (number expected, got string)", "cmsgpack.unpack_one, cmsgpack.pack(1,2,3), 'x'");
    }

    @Test
    void stackLimits() {
        String arrays = "local function deep(d) return string.rep('\\145', d)..'\\1' end ";
        assertEquals("true", lua.str(arrays + "return tostring(pcall(cmsgpack.unpack, deep(3999)))"));
        assertEquals("stack overflow (in function mp_decode_to_lua_array)", lua.str(arrays + "return select(2, pcall(cmsgpack.unpack, deep(4000)))"));
        assertEquals("stack overflow (in function mp_decode_to_lua_array)",
                lua.str(arrays + "return select(2, pcall(cmsgpack.unpack, '\\1\\2'..deep(3999)))"));
        assertEquals("stack overflow (in function mp_decode_to_lua_array)", lua.str(arrays + "return select(2, pcall(cmsgpack.unpack_one, deep(4000)))"));
        String tooMany = "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)";
        assertEquals("true", lua.str("return tostring(pcall(cmsgpack.unpack, string.rep('\\129\\1', 3999)..'\\1'))"));
        assertEquals(tooMany, lua.str("return select(2, pcall(cmsgpack.unpack, string.rep('\\129\\1', 4000)..'\\1'))"));
        assertEquals("true", lua.str("return tostring(pcall(cmsgpack.unpack, string.rep('\\1', 7999)))"));
        assertEquals(tooMany, lua.str("return select(2, pcall(cmsgpack.unpack, string.rep('\\1', 8000)))"));
    }

    @Test
    void moduleFields() {
        assertEquals("lua-cmsgpack 0.4.0|cmsgpack|Copyright (C) 2012, Salvatore Sanfilippo|MessagePack C implementation for Lua",
                lua.str("return cmsgpack._VERSION..'|'..cmsgpack._NAME..'|'..cmsgpack._COPYRIGHT..'|'..cmsgpack._DESCRIPTION"));
    }
}
