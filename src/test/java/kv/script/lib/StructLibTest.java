package kv.script.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** struct against replies recorded from redis-server 7.0.15. */
class StructLibTest {
    private final LuaScripts lua = new LuaScripts();

    private void packs(String hex, String args) {
        assertEquals(hex, lua.str("return hex(struct.pack(" + args + "))"), args);
    }

    private void unpacks(String expected, String args) {
        assertEquals(expected, lua.str("return cjson.encode({struct.unpack(" + args + ")})"), args);
    }

    private void pcallFails(String expected, String call) {
        assertEquals(expected, lua.str("local ok, e = pcall(" + call + ") assert(not ok) return e"), call);
    }

    @Test
    void packsIntegersInBothByteOrders() {
        packs("fffffffefffffffffffffffffffd00000000000000040000000000000005fffffffa00000007fff8000009fffffffffffffff6",
                "'>bBhHlLTiIi2I3i8', -1, 255, -2, 65535, -3, 4, 5, -6, 7, -8, 9, -10");
        packs("fffffefffffffdffffffffffffff04000000000000000500000000000000faffffff07000000f8ff090000f6ffffffffffffff",
                "'<bBhHlLTiIi2I3i8', -1, 255, -2, 65535, -3, 4, 5, -6, 7, -8, 9, -10");
        packs("ffffffffffffffff0000000000000000", "'i16', -1");
        packs("00000000000000000000000000000001", "'>i16', 1");
        packs("2cff01ff800000000000000000000000000000008000000000000000",
                "'b', 300)..struct.pack('B', -1)..struct.pack('b', 1.7)..struct.pack('b', -1.7)..struct.pack('>i8', 2^63)"
                        + "..struct.pack('>i8', 1e30)..struct.pack('>i8', -1e30");
        packs("0c", "'b', '12'");
        packs("", "'i0', 5");
        packs("0102", "'bb', 1, 2, 3");
    }

    @Test
    void outOfRangeNumbersConvertAsOnX86() {
        assertEquals("8000000000000000 0000000000000000 8000000000000000 0000000000000000 8ac7230489e80000 8000000000000000 8000000000000000",
                lua.str("local r = {} for _, v in ipairs({0/0, 1/0, -1/0, 2^64, 1e19}) do r[#r+1] = hex(struct.pack('>i8', v)) end "
                        + "r[#r+1] = hex(struct.pack('>I8', -2^63)) r[#r+1] = hex(struct.pack('>I8', -2^64)) return table.concat(r, ' ')"));
        packs("00000000", "'>i4', 0/0");
    }

    @Test
    void alignmentFloatsAndStrings() {
        packs("010200030400000005000000000000f83f0600002040", "'bhbibdbf', 1, 2, 3, 4, 5, 1.5, 6, 2.5");
        packs("01000200030000000400000005000000000000000000f83f0600000000002040", "'!bhbibdbf', 1, 2, 3, 4, 5, 1.5, 6, 2.5");
        packs("010002000300040000000500000000000000f83f060000002040", "'!2bhbibdbf', 1, 2, 3, 4, 5, 1.5, 6, 2.5");
        packs("6162000078797a707100", "'>sxc3c0 s', 'ab', 'xyz', 'pq', ''");
        packs("313200", "'s', 12");
    }

    @Test
    void packErrors() {
        pcallFails("integral size 33 is larger than limit of 32", "struct.pack, 'i33', 1");
        pcallFails("alignment 3 is not a power of 2", "struct.pack, '!3b', 1");
        pcallFails("bad argument #1 to 'pack' (invalid format option 'z')", "struct.pack, 'z', 1");
        pcallFails("bad argument #2 to 'pack' (number expected, got string)", "struct.pack, 'i', 'x'");
        pcallFails("bad argument #2 to 'pack' (number expected, got nil)", "struct.pack, 'i'");
        pcallFails("bad argument #3 to 'pack' (number expected, got nil)", "struct.pack, 'ii', 1");
        pcallFails("bad argument #3 to 'pack' (number expected, got nil)", "struct.pack, 'iii', 1");
        pcallFails("bad argument #3 to 'pack' (string too short)", "struct.pack, 'c3', 'ab'");
        pcallFails("bad argument #3 to 'pack' (string too short)", "struct.pack, 'c', ''");
        pcallFails("bad argument #2 to 'pack' (string expected, got table)", "struct.pack, 's', {}");
        pcallFails("bad argument #1 to 'pack' (string expected, got no value)", "struct.pack");
        pcallFails("integral size overflow", "struct.pack, 'i99999999999', 1");
    }

    @Test
    void unpacks() {
        unpacks("[-1,255,-2,65535,5,11]", "'>bBhHi', '\\255\\255\\255\\254\\255\\255\\0\\0\\0\\5'");
        unpacks("[1,2,6]", "'<i2xi2', '\\1\\0\\0\\2\\0', 1");
        unpacks("[\"abc\",5]", "'bc0', '\\3abcd'");
        unpacks("[\"ab\",\"cd\",7]", "'ss', 'ab\\0cd\\0e'");
        unpacks("[10]", "'', 'abcd', 10");
        unpacks("[1,2,9]", "'!4bi', '\\1\\0\\0\\0\\2\\0\\0\\0'");
        unpacks("[1,2,9]", "'!4b i', '\\1\\0\\0\\0\\2\\0\\0\\0'");
        unpacks("[-1,4]", "'<i3', '\\255\\255\\255'");
        unpacks("[-1,10]", "'<i9', '\\255\\255\\255\\255\\255\\255\\255\\255\\255'");
        unpacks("[1,10]", "'<I9', '\\1\\0\\0\\0\\0\\0\\0\\0\\1'");
        unpacks("[1,17]", "'<i16', '\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\128'");
        unpacks("[0,13]", "'<i12', '\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\128'");
        unpacks("[0,1]", "'i0', 'ab'");
        unpacks("[1684234849,5]", "'i', 'abcd', 1, 5");
        unpacks("[1.844674407371e+19,9]", "'>I8', '\\255\\255\\255\\255\\255\\255\\255\\255'");
        unpacks("[9.2233720368548e+18,9]", "'>i8', '\\127\\255\\255\\255\\255\\255\\255\\255'");
        assertEquals("[1.25,0.10000000149012]", lua.str("return cjson.encode({struct.unpack('<d', struct.pack('<d', 1.25)), "
                + "(struct.unpack('>f', struct.pack('>f', 0.1)))})"));
    }

    @Test
    void unpackErrors() {
        pcallFails("bad argument #2 to 'unpack' (data string too short)", "struct.unpack, 'i', 'abc'");
        pcallFails("bad argument #3 to 'unpack' (offset must be 1 or greater)", "struct.unpack, 'i', 'abcd', 0");
        pcallFails("bad argument #2 to 'unpack' (data string too short)", "struct.unpack, 'i', 'abcd', 6");
        pcallFails("bad argument #2 to 'unpack' (data string too short)", "struct.unpack, 'i', 'abcd', 5");
        pcallFails("bad argument #2 to 'unpack' (data string too short)", "struct.unpack, 'b', 'abcd', 10");
        pcallFails("bad argument #2 to 'unpack' (data string too short)", "struct.unpack, 'bc0', '\\9abcd'");
        pcallFails("bad argument #3 to 'unpack' (number expected, got string)", "struct.unpack, 'b', 'abcd', 'x'");
        pcallFails("bad argument #2 to 'unpack' (string expected, got no value)", "struct.unpack, 'b'");
        pcallFails("bad argument #1 to 'unpack' (invalid format option 'z')", "struct.unpack, 'z', 'abcd'");
        pcallFails("format 'c0' needs a previous size", "struct.unpack, 'c0', 'abcd'");
        pcallFails("unfinished string in data", "struct.unpack, 's', 'ab'");
    }

    @Test
    void size() {
        assertEquals("[7,8,16,14,0,2,0]", lua.str("return cjson.encode({struct.size('bhi'), struct.size('!bhi'), struct.size('!bd'), "
                + "struct.size('c10i'), struct.size('z'), struct.size('xx'), struct.size('i0')})"));
        pcallFails("bad argument #1 to 'size' (option 's' has no fixed size)", "struct.size, 's'");
        pcallFails("bad argument #1 to 'size' (option 'c0' has no fixed size)", "struct.size, 'c0'");
        pcallFails("bad argument #1 to 'size' (option 'c0' has no fixed size)", "struct.size, 'i1c0'");
        pcallFails("alignment 3 is not a power of 2", "struct.size, '!3'");
        pcallFails("alignment 0 is not a power of 2", "struct.size, '!0bd'");
        pcallFails("bad argument #1 to 'size' (invalid format option '%')", "struct.size, '%'");
    }
}
