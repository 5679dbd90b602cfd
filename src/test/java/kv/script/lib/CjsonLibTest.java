package kv.script.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** cjson against replies recorded from redis-server 7.0.15 (EVAL "return ..." 0). */
class CjsonLibTest {
    private final LuaScripts lua = new LuaScripts();

    private void encodes(String expected, String luaValue) {
        assertEquals(expected, lua.str("return cjson.encode(" + luaValue + ")"), luaValue);
    }

    private void pcallFails(String expected, String call) {
        assertEquals(expected, lua.str("local ok, e = pcall(" + call + ") assert(not ok) return e"), call);
    }

    @Test
    void encodesScalars() {
        encodes("[1,2,{\"a\":1}]", "{1,2,{a=1}}");
        encodes("{}", "{}");
        encodes("true", "true");
        encodes("null", "nil");
        encodes("null", "cjson.null");
        encodes("[null,false]", "{cjson.null, false}");
        encodes("\"a\\/b\\\"\\\\\\n\\t\\u0001\\u007f\u00c8\u00c3\u00a9\"", "\"a/b\\\"\\\\\\n\\t\\1\\127\\200\\195\\169\"");
        encodes("\"\\u0000x\"", "\"\\0x\"");
        encodes("{\"a\\\"b\\/\":\"\\u001f\"}", "{[\"a\\\"b/\"]=\"\\31\"}");
        encodes("\"\\b\\f\\r\"", "\"\\b\\f\\r\"");
    }

    @Test
    void formatsNumbersWithFourteenDigits() {
        encodes("0.1", "0.1");
        encodes("0.33333333333333", "1/3");
        encodes("1e+20", "1e20");
        encodes("1.2345678901235e+17", "123456789012345678");
        encodes("12345678901234", "12345678901234");
        encodes("1.2345678901234e+14", "123456789012345");
        encodes("0.0001", "0.0001");
        encodes("1e-05", "0.00001");
        encodes("-1.5e-300", "-1.5e-300");
        encodes("9.007199254741e+15", "2^53");
        encodes("4.9406564584125e-324", "5e-324");
        encodes("1.7976931348623e+308", "1.7976931348623157e308");
        encodes("2.5", "2.5");
        encodes("1.2345678901235e-05", "0.000012345678901234567");
    }

    @Test
    void sparseArrays() {
        encodes("[1,2,3,null,5]", "{1,2,3,nil,5}");
        encodes("[1,2,null,4]", "{[1]=1,[2]=2,[4]=4}");
        encodes("[1,null,null,null,null,null,null,null,null,2]", "{[1]=1,[10]=2}");
        encodes("[null,1,2,null,null,6]", "{[2]=1,[3]=2,[6]=6}");
        pcallFails("Cannot serialise table: excessively sparse array", "cjson.encode, {[1]=1,[11]=2}");
        encodes("{\"1.5\":1}", "{[1.5]=1}");
        encodes("{\"0\":1}", "{[0]=1}");
        encodes("{\"-1\":1}", "{[-1]=1}");
        encodes("{\"1e+20\":1}", "{[1e20]=1}");
        encodes("{\"0.1\":1}", "{[0.1]=1}");
        assertEquals("[\"{\\\"1\\\":1,\\\"20\\\":2}\",\"[1,2]\",\"[1,null,1]\"]", lua.str(
                "local c=cjson.new() c.encode_sparse_array(true) return cjson.encode({c.encode({[1]=1,[20]=2}), c.encode({1,2}), c.encode({[1]=1,[3]=1})})"));
        assertEquals(3 + 198 * 5 + 2, lua.eval("local c=cjson.new() c.encode_sparse_array(false, 0) return #c.encode({[1]=1,[200]=2})").toint());
        assertEquals("Cannot serialise table: excessively sparse array",
                lua.str("local c=cjson.new() c.encode_sparse_array(false, 1, 0) return select(2, pcall(c.encode, {[1]=1,[3]=2}))"));
    }

    @Test
    void encodeErrors() {
        pcallFails("Cannot serialise number: must not be NaN or Inf", "cjson.encode, 1/0");
        pcallFails("Cannot serialise number: must not be NaN or Inf", "cjson.encode, 0/0");
        pcallFails("Cannot serialise number: must not be NaN or Inf", "cjson.encode, {a=-1/0}");
        pcallFails("Cannot serialise boolean: table key must be a number or string", "cjson.encode, {[true]=1}");
        pcallFails("Cannot serialise table: table key must be a number or string", "cjson.encode, {[{}]=1}");
        pcallFails("Cannot serialise function: type not supported", "cjson.encode, {f=type}");
        pcallFails("bad argument #1 to 'encode' (expected 1 argument)", "cjson.encode");
        pcallFails("bad argument #1 to 'encode' (expected 1 argument)", "cjson.encode, 1, 2");
    }

    @Test
    void encodeNestingLimits() {
        pcallFails("Cannot serialise, excessive nesting (1001)", "function() local t={} t[1]=t return cjson.encode(t) end");
        assertEquals(2000, lua.eval("local t={} local c=t for i=1,999 do c[1]={} c=c[1] end return #cjson.encode(t)").toint());
        assertEquals(5996, lua.eval("local t={} local c=t for i=1,999 do c.a={} c=c.a end return #cjson.encode(t)").toint());
        pcallFails("Cannot serialise, excessive nesting (1001)",
                "function() local t={} local c=t for i=1,1000 do c.a={} c=c.a end return cjson.encode(t) end");
        assertEquals("Cannot serialise, excessive nesting (3)",
                lua.str("local c=cjson.new() c.encode_max_depth(2) return select(2, pcall(c.encode, {{1}, {a={}}}))"));
        // beyond the configured depth, Lua's C stack limit ends the walk as it does in Redis
        String nest = "local c=cjson.new() c.encode_max_depth(100000) function nest(n, k) local t={} local x=t "
                + "for d=1,n do x[k]={} x=x[k] end return t end ";
        assertEquals("true", lua.str(nest + "return tostring(pcall(c.encode, nest(7996, 1)))"));
        assertEquals("Cannot serialise, excessive nesting (7998)", lua.str(nest + "return select(2, pcall(c.encode, nest(7997, 1)))"));
        assertEquals("true", lua.str(nest + "return tostring(pcall(c.encode, nest(3998, 'a')))"));
        assertEquals("Cannot serialise, excessive nesting (4000)", lua.str(nest + "return select(2, pcall(c.encode, nest(3999, 'a')))"));
    }

    @Test
    void sparseOutputIsBounded() {
        JsonConfig config = new JsonConfig();
        config.encodeSparseRatio = 0;
        LuaTable oneKey = new LuaTable();
        oneKey.rawset(Integer.MAX_VALUE, LuaValue.TRUE);
        LuaError e = assertThrows(LuaError.class, () -> JsonEncoder.encode(config, oneKey, 1000));
        assertEquals("Cannot serialise, output exceeds 1000 bytes", e.getMessage());
    }

    @Test
    void invalidNumberEncodings() {
        assertEquals("[inf,-inf,nan]", lua.str("local c=cjson.new() c.encode_invalid_numbers(true) return c.encode({1/0,-1/0,0/0})"));
        assertEquals("[null,null,null,1.5]", lua.str("local c=cjson.new() c.encode_invalid_numbers('null') return c.encode({1/0,-1/0,0/0,1.5})"));
        assertEquals("[0.333,1.23e+04,0.5,100,1.23e+03]",
                lua.str("local c=cjson.new() c.encode_number_precision(3) return c.encode({1/3, 12345, 0.5, 100, 1234})"));
    }

    private void decodesTo(String expectedJson, String json) {
        assertEquals(expectedJson, lua.str("return cjson.encode(cjson.decode(" + json + "))"), json);
    }

    private void decodeFails(String expected, String json) {
        pcallFails(expected, "cjson.decode, " + json);
    }

    @Test
    void decodes() {
        decodesTo("[1,2,3]", "'[1,2,3]'");
        decodesTo("{\"a\":[1,null,{\"b\":true}]}", "'{\"a\":[1,null,{\"b\":true}]}'");
        decodesTo("1", "'01'");
        decodesTo("16", "'0x10'");
        decodesTo("1", "'+1'");
        decodesTo("-0.5", "'-.5'");
        decodesTo("150", "' 1.5e2 '");
        decodesTo("{}", "'[]\\0'");
        decodesTo("123", "123");
        decodesTo("1", "'1.'");
        assertEquals("inf -inf nan inf", lua.str("return tostring(cjson.decode('inf'))..' '..tostring(cjson.decode('-Infinity'))"
                + "..' '..(cjson.decode('NaN') ~= cjson.decode('NaN') and 'nan' or 'x')..' '..tostring(cjson.decode('1e400'))"));
        assertEquals("\u00c3\u00a9\u00f0\u009f\u0098\u0080A/\b\f\n\r\t\u0000x\u00df\u00bf\u00e0\u00a0\u0080\u00ef\u00bf\u00bf",
                lua.str("return cjson.decode('\"\\\\u00e9\\\\ud83d\\\\ude00\\\\u0041\\\\/\\\\b\\\\f\\\\n\\\\r\\\\t\\\\u0000x\\\\u07ff\\\\u0800\\\\uffff\"')"));
        assertEquals("tab\there\u0001", lua.str("return cjson.decode('\"tab\\there\\1\"')"));
        assertEquals("userdata userdata: (nil) true", lua.str(
                "local v = cjson.decode('null') return type(v)..' '..tostring(v)..' '..tostring(v == cjson.null)"));
    }

    @Test
    void decodeErrors() {
        decodeFails("Expected value but found T_ARR_END at character 6", "'[1,2,]'");
        decodeFails("Expected value but found T_OBJ_END at character 6", "'{\"a\":}'");
        decodeFails("Expected colon but found T_NUMBER at character 6", "'{\"a\" 1}'");
        decodeFails("Expected object key string but found T_NUMBER at character 2", "'{1:2}'");
        decodeFails("Expected object key string but found T_END at character 2", "'{'");
        decodeFails("Expected the end but found invalid token at character 5", "'[1] x'");
        decodeFails("Expected value but found invalid token at character 1", "'tru'");
        decodeFails("Expected value but found invalid token at character 1", "'x'");
        decodeFails("Expected value but found invalid token at character 1", "'.5'");
        decodeFails("Expected value but found invalid token at character 1", "'Nope'");
        decodeFails("Expected the end but found invalid token at character 5", "'truex'");
        decodeFails("Expected value but found unexpected end of string at character 5", "'\"abc'");
        decodeFails("Expected value but found invalid escape code at character 3", "'\"a\\\\qb\"'");
        decodeFails("Expected value but found invalid escape code at character 3", "'\"a\\\\'");
        decodeFails("Expected value but found invalid unicode escape code at character 3", "'\"a\\\\u12g4\"'");
        decodeFails("Expected value but found invalid unicode escape code at character 4", "'\"ab\\\\ud800\"'");
        decodeFails("Expected value but found invalid unicode escape code at character 4", "'\"ab\\\\ud800\\\\u0041\"'");
        decodeFails("Expected value but found invalid unicode escape code at character 4", "'\"ab\\\\udc00\"'");
        decodeFails("Expected value but found invalid unicode escape code at character 2", "'\"\\\\u00\"'");
        decodeFails("Expected value but found invalid number at character 1", "'-'");
        decodeFails("Expected value but found invalid number at character 1", "'- 1'");
        decodeFails("Expected the end but found invalid token at character 2", "'1e'");
        decodeFails("Expected value but found T_END at character 1", "''");
        decodeFails("Expected value but found T_END at character 3", "'  '");
        decodeFails("Expected comma or array end but found T_END at character 5", "'[1,2'");
        decodeFails("Expected comma or array end but found T_NUMBER at character 4", "'[1 2]'");
        decodeFails("Expected comma or array end but found T_COLON at character 3", "'[1:2]'");
        decodeFails("Expected comma or object end but found T_STRING at character 8", "'{\"a\":1 \"b\":2}'");
        decodeFails("Expected value but found T_COMMA at character 4", "'[1,,2]'");
        decodeFails("Expected object key string but found T_OBJ_END at character 8", "'{\"a\":1,}'");
        decodeFails("Expected value but found T_OBJ_END at character 1", "'}'");
        decodeFails("Expected the end but found T_ARR_END at character 4", "'[1]]'");
        decodeFails("JSON parser does not support UTF-16 or UTF-32", "'\\0[]'");
        decodeFails("JSON parser does not support UTF-16 or UTF-32", "'[\\0]'");
        decodeFails("bad argument #1 to 'decode' (string expected, got table)", "{}");
        pcallFails("bad argument #1 to 'decode' (expected 1 argument)", "cjson.decode");
        pcallFails("bad argument #1 to 'decode' (expected 1 argument)", "cjson.decode, 1, 2");
    }

    @Test
    void strictNumbersWhenInvalidNumbersAreOff() {
        assertEquals("+1=Expected value but found invalid token at character 1,inf=Expected value but found invalid token at character 1,"
                + "-inf=Expected value but found invalid number at character 1,01=Expected value but found invalid number at character 1,"
                + "0x1=Expected value but found invalid number at character 1,-0x1=Expected value but found invalid number at character 1,"
                + "nan=Expected value but found invalid token at character 1,1=1,-1=-1,0=0,0.5=0.5",
                lua.str("local c=cjson.new() c.decode_invalid_numbers(false) local r={} "
                        + "for _,s in ipairs({'+1','inf','-inf','01','0x1','-0x1','nan','1','-1','0','0.5'}) do "
                        + "local ok,e=pcall(c.decode,s) r[#r+1]=s..'='..(ok and c.encode(e) or e) end return table.concat(r, ',')"));
    }

    @Test
    void decodeNestingLimits() {
        decodeFails("Found too many nested data structures (1001) at character 1001", "string.rep('[',1001)..string.rep(']',1001)");
        assertEquals(1, lua.eval("return #cjson.decode(string.rep('[',1000)..string.rep(']',1000))").toint());
        assertEquals("Found too many nested data structures (4) at character 4",
                lua.str("local c=cjson.new() c.decode_max_depth(3) return select(2, pcall(c.decode, '[[[[1]]]]'))"));
        assertEquals("Found too many nested data structures (4) at character 12",
                lua.str("local c=cjson.new() c.decode_max_depth(3) return select(2, pcall(c.decode, '{\"a\":{\"b\":[[1]]}}'))"));
        assertEquals("Found too many nested data structures (7999) at character 7999", lua.str(
                "local c=cjson.new() c.decode_max_depth(100000) local d=7999 return select(2, pcall(c.decode, string.rep('[', d)..string.rep(']', d)))"));
        assertEquals("true", lua.str(
                "local c=cjson.new() c.decode_max_depth(100000) local d=7998 return tostring(pcall(c.decode, string.rep('[', d)..string.rep(']', d)))"));
        assertEquals("Found too many nested data structures (4000) at character 19996", lua.str(
                "local c=cjson.new() c.decode_max_depth(100000) local d=4000 return select(2, pcall(c.decode, string.rep('{\"a\":', d)..'1'..string.rep('}', d)))"));
    }

    @Test
    void settings() {
        assertEquals("false 2 10|1000|1000|14|true|false|true", lua.str(
                "local a,b,c = cjson.encode_sparse_array() return tostring(a)..' '..b..' '..c..'|'..cjson.encode_max_depth()..'|'"
                        + "..cjson.decode_max_depth()..'|'..cjson.encode_number_precision()..'|'..tostring(cjson.encode_keep_buffer())"
                        + "..'|'..tostring(cjson.encode_invalid_numbers())..'|'..tostring(cjson.decode_invalid_numbers())"));
        String c = "local c = cjson.new() ";
        pcallFails("bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)", "cjson.encode_max_depth, 0");
        pcallFails("bad argument #1 to 'encode_max_depth' (number expected, got string)", "cjson.encode_max_depth, 'x'");
        pcallFails("bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)", "cjson.encode_max_depth, 2147483648");
        pcallFails("bad argument #1 to 'encode_max_depth' (number expected, got table)", "cjson.encode_max_depth, {}");
        pcallFails("bad argument #1 to 'encode_max_depth' (number expected, got boolean)", "cjson.encode_max_depth, false");
        pcallFails("bad argument #2 to 'encode_max_depth' (found too many arguments)", "cjson.encode_max_depth, 5, 6");
        pcallFails("bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)", "cjson.encode_number_precision, 15");
        pcallFails("bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)", "cjson.encode_number_precision, 0");
        pcallFails("bad argument #1 to 'encode_keep_buffer' (invalid option 'x')", "cjson.encode_keep_buffer, 'x'");
        pcallFails("bad argument #1 to 'encode_keep_buffer' (invalid option '1')", "cjson.encode_keep_buffer, 1");
        pcallFails("bad argument #1 to 'decode_invalid_numbers' (invalid option 'null')", "cjson.decode_invalid_numbers, 'null'");
        pcallFails("bad argument #1 to 'encode_sparse_array' (invalid option 'x')", "cjson.encode_sparse_array, 'x'");
        pcallFails("bad argument #1 to 'encode_sparse_array' (string expected, got table)", "cjson.encode_sparse_array, {}");
        pcallFails("bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)", "cjson.encode_sparse_array, nil, -1");
        pcallFails("bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)", "cjson.encode_sparse_array, nil, nil, -1");
        assertEquals("1 7 7", lua.str(c + "return c.encode_max_depth(1.5)..' '..c.encode_max_depth('7')..' '..c.encode_max_depth(nil)"));
        assertEquals("true null true 0 0", lua.str(c + "local a,b,d = c.encode_sparse_array(true, 0, 0) "
                + "return tostring(c.encode_keep_buffer('on'))..' '..c.encode_invalid_numbers('null')..' '..tostring(a)..' '..b..' '..d"));
    }

    @Test
    void settingsBelongToOneModule() {
        assertEquals("3 1000", lua.str("local c = cjson.new() c.decode_max_depth(3) return c.decode_max_depth()..' '..cjson.decode_max_depth()"));
        assertEquals("function userdata true cjson 2.1.0", lua.str(
                "local c=cjson.new() return type(c.new)..' '..type(c.null)..' '..tostring(c.null == cjson.null)..' '..c._NAME..' '..c._VERSION"));
        // a setting made by one script is seen by the next one in the same Lua state
        lua.run("cjson.decode_max_depth(3)");
        assertEquals(3, lua.eval("return cjson.decode_max_depth()").toint());
    }
}
