package kv.command;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Redis' geo arithmetic: 52-bit interleaved geohash scores (26 steps of latitude in the even bits,
 * longitude in the odd bits, over Web Mercator's latitude limits), the haversine distance on
 * Redis' earth radius, the 11-character standard geohash, and the number formats of replies.
 */
final class GeoHash {
    static final double LONG_MIN = -180;
    static final double LONG_MAX = 180;
    static final double LAT_MIN = -85.05112878;
    static final double LAT_MAX = 85.05112878;
    static final int STEP = 26;
    static final double EARTH_RADIUS_M = 6372797.560856;
    private static final double D_R = Math.PI / 180.0;
    private static final char[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();

    private GeoHash() {
    }

    static boolean validLongLat(double lon, double lat) {
        return !(lon < LONG_MIN || lon > LONG_MAX || lat < LAT_MIN || lat > LAT_MAX);
    }

    /** Spreads the 32 bits of {@code v} to the even bit positions. */
    private static long spread(long v) {
        v &= 0xffffffffL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & 0x5555555555555555L;
        return v;
    }

    /** Gathers the even bits of {@code v}. */
    private static long squash(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        v = (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
        return v;
    }

    /** The hash bits of (lon, lat) over the given ranges with {@code step} bits per axis. */
    static long encode(double lon, double lat, double lonMin, double lonMax, double latMin, double latMax, int step) {
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return spread((long) latOffset) | (spread((long) lonOffset) << 1);
    }

    /** The 52-bit score of a valid (lon, lat). */
    static long score(double lon, double lat) {
        return encode(lon, lat, LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, STEP);
    }

    /** The centre of the cell a score denotes, as {lon, lat}, clamped to the limits. */
    static double[] decode(long bits) {
        long ilat = squash(bits);
        long ilon = squash(bits >>> 1);
        double latScale = LAT_MAX - LAT_MIN;
        double lonScale = LONG_MAX - LONG_MIN;
        double cells = (double) (1L << STEP);
        double latMinCell = LAT_MIN + (ilat * 1.0 / cells) * latScale;
        double latMaxCell = LAT_MIN + ((ilat + 1) * 1.0 / cells) * latScale;
        double lonMinCell = LONG_MIN + (ilon * 1.0 / cells) * lonScale;
        double lonMaxCell = LONG_MIN + ((ilon + 1) * 1.0 / cells) * lonScale;
        double lon = (lonMinCell + lonMaxCell) / 2;
        double lat = (latMinCell + latMaxCell) / 2;
        lon = Math.min(LONG_MAX, Math.max(LONG_MIN, lon));
        lat = Math.min(LAT_MAX, Math.max(LAT_MIN, lat));
        return new double[] {lon, lat};
    }

    /** The standard 11-character geohash (world ranges, the 11th character always '0'). */
    static String standardHash(double lon, double lat) {
        long bits = encode(lon, lat, -180, 180, -90, 90, STEP);
        char[] out = new char[11];
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f);
            out[i] = ALPHABET[idx];
        }
        return new String(out);
    }

    static double latDistance(double lat1, double lat2) {
        return EARTH_RADIUS_M * Math.abs(lat2 * D_R - lat1 * D_R);
    }

    /** Haversine distance in meters. */
    static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lon1r = lon1 * D_R;
        double lon2r = lon2 * D_R;
        double v = Math.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latDistance(lat1, lat2);
        }
        double lat1r = lat1 * D_R;
        double lat2r = lat2 * D_R;
        double u = Math.sin((lat2r - lat1r) / 2);
        double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
    }

    /** C's {@code %.4f}: distances in replies. */
    static String distanceText(double d) {
        return new BigDecimal(d).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Redis' human long double format ({@code %.17Lf}, trailing zeros and point dropped): coordinates. */
    static String coordinateText(double d) {
        String s = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s.equals("-0") ? "0" : s;
    }
}
