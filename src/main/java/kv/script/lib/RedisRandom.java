package kv.script.lib;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis' {@code math.random} and {@code math.randomseed}: a 48-bit linear congruential generator
 * (lrand48's constants) instead of the C library's rand, so every server gives the same sequence.
 * The state is the server's (one per engine): it starts at lrand48's default, is never reset
 * between scripts, nor by SCRIPT FLUSH, and EVAL scripts and functions draw from it alike.
 */
public final class RedisRandom {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long INCREMENT = 0xB;
    private static final long MASK = (1L << 48) - 1;
    /** lrand48's state before any seeding. */
    private static final long DEFAULT_STATE = 0x1234ABCD330EL;
    /** The low 16 bits srand48 puts under the seed. */
    private static final long SEED_LOW = 0x330E;
    private static final int RAND_MAX = Integer.MAX_VALUE;

    private long state = DEFAULT_STATE;

    /** The next 31-bit value (lrand48). */
    int next() {
        state = (state * MULTIPLIER + INCREMENT) & MASK;
        return (int) (state >>> 17);
    }

    /** srand48: the seed's 32 bits above the fixed low word. */
    void seed(int seed) {
        state = (seed & 0xFFFFFFFFL) << 16 | SEED_LOW;
    }

    /** Replaces {@code math}'s random and randomseed with this generator's. */
    public void install(LuaTable math) {
        LibFunctions.add(math, "random", this::random);
        LibFunctions.add(math, "randomseed", args -> {
            seed(checkInt(args, 1, "randomseed"));
            return LuaValue.NONE;
        });
    }

    private Varargs random(Varargs args) {
        // drawn before the arguments are checked, as Redis does: a failed call still advances the sequence
        double r = (double) (next() % RAND_MAX) / RAND_MAX;
        switch (args.narg()) {
            case 0:
                return LuaValue.valueOf(r);
            case 1: {
                int upper = checkInt(args, 1, "random");
                if (upper < 1) {
                    throw CLua.argError(1, "random", "interval is empty");
                }
                return LuaValue.valueOf(Math.floor(r * upper) + 1);
            }
            case 2: {
                int lower = checkInt(args, 1, "random");
                int upper = checkInt(args, 2, "random");
                if (lower > upper) {
                    throw CLua.argError(2, "random", "interval is empty");
                }
                // int arithmetic as in C (wraps where C's would overflow)
                return LuaValue.valueOf(Math.floor(r * (upper - lower + 1)) + lower);
            }
            default:
                throw CLua.error("wrong number of arguments");
        }
    }

    /** luaL_checkint: the number truncated to 64 bits, then cut to C's int. */
    private static int checkInt(Varargs args, int arg, String function) {
        return (int) CLua.checkInteger(args, arg, function);
    }
}
