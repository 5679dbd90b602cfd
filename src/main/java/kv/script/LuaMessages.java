package kv.script;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LuaJ's run-time error texts in Lua 5.1's words ("attempt to perform arithmetic on a nil value"),
 * which is what Redis' replies quote. Lua 5.1 also names the variable when it knows it; LuaJ does not.
 */
final class LuaMessages {
    private static final Pattern ARITHMETIC = Pattern.compile("attempt to perform arithmetic __\\w+ on (\\w+) and (\\w+)");
    private static final Pattern OPERATION = Pattern.compile(
            "attempt to (call|index|get length of|perform arithmetic on|concatenate) (nil|boolean|table|function|string|number|userdata|thread)$");

    private LuaMessages() {
    }

    static String toLua51(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = ARITHMETIC.matcher(message);
        if (m.find()) {
            String culprit = m.group(1).equals("number") || m.group(1).equals("string") ? m.group(2) : m.group(1);
            return message.substring(0, m.start()) + "attempt to perform arithmetic on a " + culprit + " value"
                    + message.substring(m.end());
        }
        m = OPERATION.matcher(message);
        if (m.find()) {
            return message.substring(0, m.start()) + "attempt to " + m.group(1) + " a " + m.group(2) + " value";
        }
        return message;
    }
}
