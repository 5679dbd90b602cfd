package kv.script.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** C's %.Ng; the expected strings come from a correctly rounding printf (exact binary value, half-even). */
class CNumberFormatTest {
    private static void check(long bits, String g14, String g17, String g3) {
        double v = Double.longBitsToDouble(bits);
        assertEquals(g14, CNumberFormat.formatG(v, 14), "%.14g");
        assertEquals(g17, CNumberFormat.formatG(v, 17), "%.17g");
        assertEquals(g3, CNumberFormat.formatG(v, 3), "%.3g");
    }

    @Test
    void specialValues() {
        assertEquals("inf", CNumberFormat.formatG(Double.POSITIVE_INFINITY, 14));
        assertEquals("-inf", CNumberFormat.formatG(Double.NEGATIVE_INFINITY, 14));
        assertEquals("nan", CNumberFormat.formatG(Double.NaN, 14));
        assertEquals("-nan", CNumberFormat.formatG(Double.longBitsToDouble(0xfff8000000000000L), 14));
        assertEquals("0", CNumberFormat.formatG(0.0, 14));
        assertEquals("-0", CNumberFormat.formatG(-0.0, 14));
    }

    @Test
    void matchesPrintf() {
        check(0x3dd89f250454edaaL, "8.9573072121813e-11", "8.9573072121812656e-11", "8.96e-11");
        check(0x3ec9529614d657f7L, "3.0186894607971e-06", "3.0186894607970752e-06", "3.02e-06");
        check(0x3a7fd1455f0d105aL, "6.4254858398262e-27", "6.4254858398261664e-27", "6.43e-27");
        check(0xbad4c89c3363fe1cL, "-2.6862216617483e-25", "-2.6862216617482891e-25", "-2.69e-25");
        check(0x3a503ae48f5bbaf1L, "8.194081262862e-28", "8.1940812628620461e-28", "8.19e-28");
        check(0xbc65544999b94733L, "-9.2500868311603e-18", "-9.2500868311603038e-18", "-9.25e-18");
        check(0xbf25735fbc2ccb54L, "-0.00016365569725848", "-0.00016365569725848106", "-0.000164");
        check(0xbccd7e0325cd05cdL, "-8.1857397331227e-16", "-8.1857397331226994e-16", "-8.19e-16");
        check(0xbf4ce4e5f52163b2L, "-0.00088177898784202", "-0.00088177898784202167", "-0.000882");
        check(0xc126f61827c86327L, "-752396.07770071", "-752396.07770070888", "-7.52e+05");
        check(0x3c7e1ecb072a1bbaL, "2.6125183146347e-17", "2.6125183146347418e-17", "2.61e-17");
        check(0x416114285b2c27e3L, "8954178.8491401", "8954178.8491401132", "8.95e+06");
        check(0x4104e256c32290f3L, "171082.84528077", "171082.84528077356", "1.71e+05");
        check(0x3a52ddccf1beab90L, "9.5251021118584e-28", "9.5251021118584021e-28", "9.53e-28");
        check(0x39ecbb8637c8c026L, "1.1332979587419e-29", "1.1332979587418523e-29", "1.13e-29");
        check(0xbb496f46f7247e68L, "-4.2078142733665e-23", "-4.2078142733664747e-23", "-4.21e-23");
        check(0x3b5897d5f9b9a01fL, "8.1371771064285e-23", "8.1371771064284942e-23", "8.14e-23");
        check(0xc11760f1683d3ebbL, "-383036.35179613", "-383036.35179613129", "-3.83e+05");
        check(0x4468aa7ca87bf99eL, "3.6400538952241e+21", "3.6400538952240915e+21", "3.64e+21");
        check(0x3ac94107f170c7f8L, "1.6320032732493e-25", "1.6320032732493249e-25", "1.63e-25");
        check(0xc1f7416340841d34L, "-6242579464.2571", "-6242579464.2571297", "-6.24e+09");
        check(0x3abd8d699ea1dfd5L, "9.5488931419116e-26", "9.5488931419115624e-26", "9.55e-26");
        check(0x3a597fb86e5e72b1L, "1.2873658626677e-27", "1.2873658626677332e-27", "1.29e-27");
        check(0xc1c186b6c72e409eL, "-588082574.36135", "-588082574.36134696", "-5.88e+08");
        check(0x426276af610276d7L, "634404931603.71", "634404931603.71375", "6.34e+11");
        check(0xc3c9cad1a375ece5L, "-3.7170565924642e+18", "-3.7170565924641695e+18", "-3.72e+18");
        check(0x4160272b7587641dL, "8468827.6727772", "8468827.6727772299", "8.47e+06");
        check(0xbe657ff67f5325f9L, "-4.0046600627264e-08", "-4.0046600627263525e-08", "-4e-08");
        check(0xc40bc69b475648bdL, "-6.4046650083371e+19", "-6.404665008337136e+19", "-6.4e+19");
        check(0xc3d1c1c2569bf200L, "-5.1180697855569e+18", "-5.1180697855569428e+18", "-5.12e+18");
        check(0x3fe0000000000000L, "0.5", "0.5", "0.5");
        check(0x3ff8000000000000L, "1.5", "1.5", "1.5");
        check(0x4004000000000000L, "2.5", "2.5", "2.5");
        check(0x430c6bf526340000L, "1e+15", "1000000000000000", "1e+15");
        check(0x4341c37937e08000L, "1e+16", "10000000000000000", "1e+16");
        check(0x42dc12218377de60L, "1.2345678901235e+14", "123456789012345.5", "1.23e+14");
        check(0x42d6bcc41e8fffe0L, "1e+14", "99999999999999.5", "1e+14");
        check(0x430c6bf52633ffd8L, "1e+15", "999999999999995", "1e+15");
        check(0x3f1a36e2eb1c41bcL, "9.9999999999995e-05", "9.9999999999995004e-05", "0.0001");
        check(0x3ee4f8b588e368f1L, "1e-05", "1.0000000000000001e-05", "1e-05");
        check(0x3f1a36e2eb1c432dL, "0.0001", "0.0001", "0.0001");
        check(0x0000000000000001L, "4.9406564584125e-324", "4.9406564584124654e-324", "4.94e-324");
        check(0x0010000000000000L, "2.2250738585072e-308", "2.2250738585072014e-308", "2.23e-308");
        check(0x7fefffffffffffffL, "1.7976931348623e+308", "1.7976931348623157e+308", "1.8e+308");
        check(0x4059000000000000L, "100", "100", "100");
        check(0x42d6bcc41e900000L, "1e+14", "100000000000000", "1e+14");
        check(0x40fe240c9fbe76c9L, "123456.789", "123456.789", "1.23e+05");
    }
}
